/** The ECS Fargate services of a sluice stack: `sluice start` (scheduler, triggers, dashboard) and `sluice worker`, scaled by queue depth. */
import { Arn, ArnFormat, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as applicationautoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { DockerImageAsset, Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { SLUICE_SECRET_NAMES } from '../secrets/secret-provider.ts';
import type { AwsStackOptions } from './aws-stack-options.ts';

/** Where the image keeps the project (see the Dockerfile). */
export const PROJECT_IN_IMAGE = '/app/project';
/** The dashboard's port inside the VPC. */
export const DASHBOARD_PORT = 4680;
/** The metric the queue-depth sidecar's log lines become. */
export const QUEUE_DEPTH_METRIC = { namespace: 'sluice', name: 'QueueDepth' } as const;

interface ServicesInput extends AwsStackOptions {
  readonly vpc: ec2.Vpc;
  readonly bucket: s3.Bucket;
  readonly tasks: ec2.SecurityGroup;
  readonly databaseSecret: secretsmanager.ISecret;
}

/** Both services, their roles (the lake bucket and the named secrets, nothing else) and the worker scaling. */
export function sluiceServices(stack: Stack, input: ServicesInput) {
  const kept = input.destroyData ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;
  const logGroup = new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, removalPolicy: kept });
  // ECS Exec sessions (the way to reach the dashboard from a laptop) are recorded in the same log group.
  const cluster = new ecs.Cluster(stack, 'Cluster', {
    vpc: input.vpc,
    executeCommandConfiguration: { logging: ecs.ExecuteCommandLogging.OVERRIDE, logConfiguration: { cloudWatchLogGroup: logGroup } },
  });
  // One image for both services (built by `cdk deploy` from the context sluice wrote, pushed to the bootstrap ECR repository).
  const image = ecs.ContainerImage.fromDockerImageAsset(new DockerImageAsset(stack, 'Image', { directory: input.imageContext, platform: Platform.LINUX_AMD64 }));
  const metricsLog = new logs.LogGroup(stack, 'QueueDepthLogs', { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });

  // Names and ARNs only: the values are read by sluice at run time with the task role.
  const environment = {
    ...input.environment,
    SLUICE_LAKE: `s3://${input.bucket.bucketName}`,
    SLUICE_SECRETS: `aws-secrets-manager:${input.secretsPrefix}`,
    SLUICE_DATABASE_SECRET: input.databaseSecret.secretArn,
    AWS_REGION: stack.region,
    SLUICE_STACK: input.stackName,
    // The bucket's lifecycle configuration does storage classes and deletes (see bucket-lifecycle.ts).
    SLUICE_LIFECYCLE_BY_BUCKET: '1',
  };
  // The pipelines' secrets (and SLUICE_SMTP_URL for email alerts): created by the user, granted by name. The
  // six-character suffix is the one Secrets Manager adds to every secret's ARN.
  const secretArns = [...new Set([...input.secretNames, ...SLUICE_SECRET_NAMES])].map((name) => Arn.format({
    service: 'secretsmanager', resource: 'secret', resourceName: `${input.secretsPrefix}${name}-??????`, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  }, stack));

  const taskDefinition = (id: string, memoryLimitMiB: number) => {
    const definition = new ecs.FargateTaskDefinition(stack, id, {
      cpu: 256, memoryLimitMiB, runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
    });
    input.bucket.grantReadWrite(definition.taskRole);
    input.databaseSecret.grantRead(definition.taskRole);
    definition.taskRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: secretArns }));
    return definition;
  };

  // sluice start also runs pipelines (its own workers) and shares the task with the queue-depth sidecar: 1 GB.
  const schedulerTask = taskDefinition('SchedulerTask', 1024);
  schedulerTask.addContainer('sluice', {
    image, environment, essential: true,
    command: ['start', '--project', PROJECT_IN_IMAGE, '--host', '0.0.0.0', '--port', String(DASHBOARD_PORT)],
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'scheduler' }),
    portMappings: [{ containerPort: DASHBOARD_PORT }],
    stopTimeout: Duration.seconds(120),
  });
  // Reads the same queue depth as /metrics every minute and logs it as one JSON line; a metric filter makes it the scaling metric.
  schedulerTask.addContainer('queue-depth', {
    image, environment, essential: false,
    command: ['deploy', 'aws', '--queue-depth-log', '--project', PROJECT_IN_IMAGE],
    logging: ecs.LogDrivers.awsLogs({ logGroup: metricsLog, streamPrefix: 'queue-depth' }),
  });

  const workerTask = taskDefinition('WorkerTask', 512);
  workerTask.addContainer('sluice', {
    image, environment, essential: true,
    command: ['worker', '--project', PROJECT_IN_IMAGE],
    logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'worker' }),
    // sluice worker finishes its running runs on SIGTERM (up to 60 s); longer ones are taken over by another worker.
    stopTimeout: Duration.seconds(120),
  });

  input.tasks.addIngressRule(ec2.Peer.ipv4(input.vpc.vpcCidrBlock), ec2.Port.tcp(DASHBOARD_PORT), 'dashboard, inside the VPC');
  if (input.dashboardCidr) input.tasks.addIngressRule(ec2.Peer.ipv4(input.dashboardCidr), ec2.Port.tcp(DASHBOARD_PORT), 'dashboard, from the network given to --dashboard-cidr');
  const subnets = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };
  // One scheduler: two would both be correct (the trigger ledger) but only one dashboard is needed.
  const scheduler = new ecs.FargateService(stack, 'Scheduler', {
    cluster, taskDefinition: schedulerTask, desiredCount: 1, securityGroups: [input.tasks], vpcSubnets: subnets,
    assignPublicIp: false, enableExecuteCommand: true, minHealthyPercent: 0, maxHealthyPercent: 100, circuitBreaker: { rollback: true },
  });
  const worker = new ecs.FargateService(stack, 'Worker', {
    cluster, taskDefinition: workerTask, desiredCount: input.workers.min, securityGroups: [input.tasks], vpcSubnets: subnets,
    assignPublicIp: false, minHealthyPercent: 100, circuitBreaker: { rollback: true },
  });

  new logs.MetricFilter(stack, 'QueueDepthFilter', {
    logGroup: metricsLog, metricNamespace: QUEUE_DEPTH_METRIC.namespace, metricName: QUEUE_DEPTH_METRIC.name,
    filterPattern: logs.FilterPattern.numberValue('$.sluice_queue_depth', '>=', 0), metricValue: '$.sluice_queue_depth',
    dimensions: { Stack: '$.stack' },
  });
  const queueDepth = new cloudwatch.Metric({
    namespace: QUEUE_DEPTH_METRIC.namespace, metricName: QUEUE_DEPTH_METRIC.name, dimensionsMap: { Stack: input.stackName },
    statistic: 'Maximum', period: Duration.minutes(1),
  });
  const scaling = worker.autoScaleTaskCount({ minCapacity: input.workers.min, maxCapacity: input.workers.max });
  scaling.scaleOnMetric('QueueDepthScaling', {
    metric: queueDepth,
    adjustmentType: applicationautoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
    // Each worker task runs up to 4 runs at once (SLUICE_WORKER_CONCURRENCY): add one per ~8 waiting runs, remove one when none wait.
    scalingSteps: [{ upper: 0, change: -1 }, { lower: 8, change: +1 }, { lower: 32, change: +3 }],
    cooldown: Duration.minutes(3),
    evaluationPeriods: 2,
  });
  return { cluster, scheduler, worker, logGroup };
}
