/**
 * Reddit hot posts, hourly (SEED-SYSTEMS.md #1): the top 100 HOT posts of a subreddit through the OAuth2 API,
 * the raw answer kept in the raw zone, cleaned fields with the hour's rank loaded per hourly snapshot.
 * Stickied posts come on top of the 100 (an answer has 100-102 children): they are kept, flagged `stickied`,
 * and rank counts every child in the order Reddit gave them.
 */
import { col, definePipeline, http, postgres, secret } from 'sluice';

const text = (v: unknown) => (typeof v === 'string' ? v.trim() : null);

export default definePipeline({
  name: 'reddit-hot',
  description: 'Top 100 hot posts of a subreddit, one snapshot per hour',
  // Offline: the fixture (node examples/reddit-hot/fixture.ts). Real: --param api=https://oauth.reddit.com --param auth=https://www.reddit.com
  params: { subreddit: 'dataengineering', api: 'http://127.0.0.1:4691', auth: 'http://127.0.0.1:4691' },
  source: ({ subreddit, api, auth }) => http({
    url: `${api}/r/${subreddit}/hot`,
    query: { limit: 100, raw_json: 1 },
    auth: { kind: 'oauth2', tokenUrl: `${auth}/api/v1/access_token`, clientId: secret('REDDIT_CLIENT_ID'), clientSecret: secret('REDDIT_CLIENT_SECRET') },
    records: 'data.children[].data',
    // Reddit requires a descriptive User-Agent.
    userAgent: 'sluice-example:reddit-hot:0.1 (data pipeline)',
    maxPages: 1,
    allowPrivateNetwork: new URL(api).hostname === '127.0.0.1' ? ['127.0.0.1'] : false,
  }),
  transform: (post: Record<string, unknown>, ctx) => ({
    snapshot_hour: new Date(Math.floor(ctx.startedAt.getTime() / 3_600_000) * 3_600_000),
    rank: ctx.file.line,
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
  }),
  destination: postgres.table('reddit_hot_posts', {
    columns: {
      snapshot_hour: col.timestamptz({ nullable: false }), rank: col.integer(), id: col.text({ nullable: false }),
      title: col.text(), author: col.text(), subreddit: col.text(), score: col.integer(), upvote_ratio: col.double(),
      num_comments: col.integer(), created_utc: col.timestamptz(), url: col.text(), permalink: col.text(),
      is_self: col.boolean(), over_18: col.boolean(), stickied: col.boolean(), flair: col.text(),
    },
    // Re-running an hour updates that hour's snapshot instead of duplicating it.
    write: { mode: 'merge', key: ['snapshot_hour', 'id'] },
  }),
});
