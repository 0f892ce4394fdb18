/**
 * Reddit, two stages (SEED-SYSTEMS.md #1 as the original was built), stage 1: every hour, the API's answer is
 * landed in the raw zone as received, and nothing else. Stage 2 (`reddit-load`) is triggered by the new object.
 * Original: Lambda + CloudWatch cron + S3 (object-created event) + RDS Postgres + Secrets Manager. Real: your app's
 * REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET and --param api=https://oauth.reddit.com --param auth=https://www.reddit.com
 */
import { cron, definePipeline, http, landOnly, secret } from 'sluice';
import { redditSource } from '../posts.ts';

export default definePipeline({
  name: 'reddit-extract',
  description: 'Hourly: the raw hot listing, landed as received',
  // Like the original's CloudWatch schedule: an hour missed while sluice was down is not fetched afterwards
  // (the API only answers for now).
  trigger: cron('0 * * * *', { catchUp: 'skip' }),
  params: { subreddit: 'dataengineering', api: process.env.REDDIT_API ?? 'http://127.0.0.1:4691', auth: process.env.REDDIT_AUTH ?? 'http://127.0.0.1:4691' },
  source: ({ subreddit, api, auth }) => http({
    url: `${api}/r/${subreddit}/hot`,
    query: { limit: 100, raw_json: 1 },
    auth: { kind: 'oauth2', tokenUrl: `${auth}${redditSource.tokenPath}`, clientId: secret('REDDIT_CLIENT_ID'), clientSecret: secret('REDDIT_CLIENT_SECRET') },
    userAgent: redditSource.userAgent,
    maxPages: 1,
    allowPrivateNetwork: new URL(api).hostname === '127.0.0.1' ? ['127.0.0.1'] : false,
  }),
  destination: landOnly(),
  retry: { attempts: 3, backoff: 'exponential', delayMs: 5_000, then: 'skip' },
});
