/** The cleaned shape of a hot post, shared by the one-stage and the two-stage Reddit pipelines. */
import { col, postgres, type CheckDeclaration } from 'sluice';

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : null);

/** A post of a Listing (`data.children[].data`), cleaned, with its rank in the answer and the snapshot's hour. */
export function cleanPost(post: Record<string, unknown>, rank: number, at: Date) {
  return {
    snapshot_hour: new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000),
    rank,
    id: String(post.id),
    title: text(post.title),
    author: text(post.author),
    subreddit: text(post.subreddit),
    score: post.score as number,
    upvote_ratio: post.upvote_ratio as number,
    num_comments: post.num_comments as number,
    created_utc: new Date((post.created_utc as number) * 1000),
    url: text(post.url),
    permalink: text(post.permalink),
    is_self: post.is_self as boolean,
    over_18: post.over_18 as boolean,
    stickied: post.stickied as boolean,
    flair: text(post.link_flair_text),
  };
}

/** The snapshots table: re-running an hour updates that hour's snapshot instead of duplicating it. */
/** Each post once per hourly snapshot: what the original's hourly listing promised its readers. */
export const hotPostChecks: readonly CheckDeclaration<'snapshot_hour' | 'id'>[] = [{ kind: 'uniqueKey', key: ['snapshot_hour', 'id'], name: 'id unique per hour' }];

export const hotPosts = () => postgres.table('reddit_hot_posts', {
  columns: {
    snapshot_hour: col.timestamptz({ nullable: false }), rank: col.integer(), id: col.text({ nullable: false }),
    title: col.text(), author: col.text(), subreddit: col.text(), score: col.integer(), upvote_ratio: col.double(),
    num_comments: col.integer(), created_utc: col.timestamptz(), url: col.text(), permalink: col.text(),
    is_self: col.boolean(), over_18: col.boolean(), stickied: col.boolean(), flair: col.text(),
  },
  write: { mode: 'merge', key: ['snapshot_hour', 'id'] },
});

/** The API source, offline against the fixture or online against Reddit. */
export const redditSource = { tokenPath: '/api/v1/access_token', userAgent: 'sluice-example:reddit-hot:0.1 (data pipeline)' };
