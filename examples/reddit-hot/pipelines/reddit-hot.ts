/**
 * Reddit hot posts, hourly (SEED-SYSTEMS.md #1): the top 100 HOT posts of a subreddit through the OAuth2 API,
 * the raw answer kept in the raw zone, cleaned fields with the hour's rank loaded per hourly snapshot.
 * Stickied posts come on top of the 100 (an answer has 100-102 children): they are kept, flagged `stickied`,
 * and rank counts every child in the order Reddit gave them.
 * Original: a Lambda on a CloudWatch cron, S3, RDS Postgres, Secrets Manager. Offline: node examples/reddit-hot/fixture.ts
 * (generated listings; `--recorded DIR` replays recorded answers with their status: a 403 fails the run naming the
 * subreddit). Real: your app's REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET and --param api=https://oauth.reddit.com --param auth=https://www.reddit.com
 */
import { definePipeline, http, secret } from 'sluice';
import { cleanPost, hotPostChecks, hotPosts, redditSource } from '../posts.ts';

export default definePipeline({
  name: 'reddit-hot',
  description: 'Top 100 hot posts of a subreddit, one snapshot per hour',
  // Offline: the fixture (node examples/reddit-hot/fixture.ts). Real: --param api=https://oauth.reddit.com --param auth=https://www.reddit.com
  params: { subreddit: 'dataengineering', api: process.env.REDDIT_API ?? 'http://127.0.0.1:4691', auth: process.env.REDDIT_AUTH ?? 'http://127.0.0.1:4691' },
  source: ({ subreddit, api, auth }) => http({
    url: `${api}/r/${subreddit}/hot`,
    query: { limit: 100, raw_json: 1 },
    auth: { kind: 'oauth2', tokenUrl: `${auth}${redditSource.tokenPath}`, clientId: secret('REDDIT_CLIENT_ID'), clientSecret: secret('REDDIT_CLIENT_SECRET') },
    records: 'data.children[].data',
    // Reddit requires a descriptive User-Agent.
    userAgent: redditSource.userAgent,
    maxPages: 1,
    allowPrivateNetwork: new URL(api).hostname === '127.0.0.1' ? ['127.0.0.1'] : false,
  }),
  transform: (post: Record<string, unknown>, ctx) => cleanPost(post, ctx.file.line, ctx.startedAt),
  destination: hotPosts(),
  checks: hotPostChecks,
});
