/** The AWS stack for a sluice project (aws-cdk-lib): network, lake bucket, RDS PostgreSQL, and the ECS services. */
import { CfnOutput, Duration, RemovalPolicy, Stack, type App } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { LifecycleRule } from '../lake/lifecycle.ts';
import { bucketLifecycle } from './bucket-lifecycle.ts';
import { sluiceServices } from './sluice-services.ts';

/** What the stack is built from. */
export interface AwsStackOptions {
  readonly stackName: string;
  /** The project's lifecycle rules (from sluice.config.ts). */
  readonly lifecycle: readonly LifecycleRule[];
  /** The names of the project's secrets (`secret('NAME')`); each is read from Secrets Manager as `<secretsPrefix>NAME`. */
  readonly secretNames: readonly string[];
  readonly secretsPrefix: string;
  /** The folder `docker build` runs in (Dockerfile, sluice, the project). */
  readonly imageContext: string;
  /** Keep old versions of lake objects. */
  readonly versioned: boolean;
  /** Delete the bucket (and its objects) and the database with the stack, instead of keeping them. */
  readonly destroyData: boolean;
  /** Use this existing database (an RDS credentials secret's ARN) instead of creating one. */
  readonly databaseSecretArn?: string;
  /** A network (e.g. a VPN's) allowed to reach the dashboard; by default only the VPC can. */
  readonly dashboardCidr?: string;
  readonly workers: { readonly min: number; readonly max: number };
  /** Plain settings for the pipelines (never secrets), e.g. `WEATHER_API`. */
  readonly environment: Readonly<Record<string, string>>;
}

/** Adds the stack for a sluice project to `app`. */
export function awsStack(app: App, options: AwsStackOptions): Stack {
  // Environment-agnostic and lookup-free: synthesis needs no AWS account or network.
  const stack = new Stack(app, options.stackName, { description: `sluice project ${options.stackName}: lake, database, scheduler and workers` });
  const kept = options.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

  // Public subnets hold only the NAT gateway; the tasks reach ECR, Secrets Manager, CloudWatch and the APIs the
  // pipelines call through it. The database's subnets have no route out at all.
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'tasks', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 22 },
      { name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
    ],
    // Lake traffic stays off the NAT gateway (and its per-GB charge).
    gatewayEndpoints: { s3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });

  const lifecycle = bucketLifecycle(options.lifecycle, '');
  const bucket = new s3.Bucket(stack, 'Lake', {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    versioned: options.versioned,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [
      ...lifecycle.bucketRules.map((r) => ({
        id: r.id, prefix: r.prefix,
        ...(r.storageClass ? { transitions: [{ storageClass: new s3.StorageClass(r.storageClass), transitionAfter: Duration.days(r.days) }] } : { expiration: Duration.days(r.days) }),
      })),
      { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(7) },
      ...(options.versioned ? [{ id: 'expire-old-versions', noncurrentVersionExpiration: Duration.days(30) }] : []),
    ],
    removalPolicy: kept,
    autoDeleteObjects: options.destroyData,
  });

  const tasks = new ec2.SecurityGroup(stack, 'TasksSecurityGroup', { vpc, description: 'sluice scheduler and workers' });
  const database = options.databaseSecretArn
    ? { secret: secretsmanager.Secret.fromSecretCompleteArn(stack, 'DatabaseSecret', options.databaseSecretArn), endpoint: undefined }
    : rdsDatabase(stack, vpc, tasks, options.destroyData);

  const services = sluiceServices(stack, { ...options, vpc, bucket, tasks, databaseSecret: database.secret });

  new CfnOutput(stack, 'LakeBucket', { value: bucket.bucketName, description: 'the lake (SLUICE_LAKE is s3://<this>)' });
  if (database.endpoint) new CfnOutput(stack, 'DatabaseEndpoint', { value: database.endpoint, description: 'RDS PostgreSQL (private)' });
  new CfnOutput(stack, 'DatabaseSecretArn', { value: database.secret.secretArn, description: 'the database credentials' });
  new CfnOutput(stack, 'SecretsPrefix', { value: options.secretsPrefix, description: 'pipeline secrets are read as <prefix>NAME' });
  new CfnOutput(stack, 'ClusterName', { value: services.cluster.clusterName });
  new CfnOutput(stack, 'SchedulerServiceName', { value: services.scheduler.serviceName });
  new CfnOutput(stack, 'WorkerServiceName', { value: services.worker.serviceName });
  new CfnOutput(stack, 'LogGroupName', { value: services.logGroup.logGroupName });
  return stack;
}

/** RDS PostgreSQL in the isolated subnets: private, encrypted, TLS only, credentials generated into Secrets Manager. */
function rdsDatabase(stack: Stack, vpc: ec2.Vpc, tasks: ec2.SecurityGroup, destroyData: boolean) {
  const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_18 });
  const parameterGroup = new rds.ParameterGroup(stack, 'DatabaseParameters', {
    engine, description: 'sluice: TLS required', parameters: { 'rds.force_ssl': '1' },
  });
  const securityGroup = new ec2.SecurityGroup(stack, 'DatabaseSecurityGroup', { vpc, description: 'sluice database', allowAllOutbound: false });
  securityGroup.addIngressRule(tasks, ec2.Port.tcp(5432), 'sluice tasks');
  // Generated by Secrets Manager at deploy time: the password is never in the template. Kept with the data,
  // since a final snapshot is useless without the password it was taken with.
  const secret = new rds.DatabaseSecret(stack, 'DatabaseCredentials', { username: 'sluice' });
  secret.applyRemovalPolicy(destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);
  const instance = new rds.DatabaseInstance(stack, 'Database', {
    engine,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MICRO),
    vpc,
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    securityGroups: [securityGroup],
    publiclyAccessible: false,
    storageEncrypted: true,
    allocatedStorage: 20,
    maxAllocatedStorage: 100,
    storageType: rds.StorageType.GP3,
    databaseName: 'sluice',
    credentials: rds.Credentials.fromSecret(secret),
    parameterGroup,
    backupRetention: Duration.days(7),
    // Kept: a final snapshot when the stack goes (a retained instance would hold the VPC and fail the delete).
    removalPolicy: destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT,
    deletionProtection: false,
    deleteAutomatedBackups: destroyData,
  });
  return { secret: instance.secret!, endpoint: instance.dbInstanceEndpointAddress };
}
