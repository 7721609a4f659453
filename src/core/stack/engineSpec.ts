/**
 * The Engine API's Swarm objects as Slipway sends them (POST /services/create, /networks/create): the fields a
 * stack file can set. Durations are nanoseconds, as the API takes them.
 */
export interface EngineUpdateConfig {
  Parallelism?: number;
  Delay?: number;
  FailureAction?: string;
  Monitor?: number;
  MaxFailureRatio?: number;
  Order?: string;
}

export interface EngineMount {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig?: { Name?: string; Options?: Record<string, string> } };
  BindOptions?: { Propagation?: string };
  TmpfsOptions?: { SizeBytes?: number };
}

export interface EngineFileReference {
  File: { Name: string; UID: string; GID: string; Mode: number };
  SecretName?: string;
  SecretID?: string;
  ConfigName?: string;
  ConfigID?: string;
}

export interface EnginePortConfig {
  Protocol?: string;
  TargetPort?: number;
  PublishedPort?: number;
  PublishMode?: string;
}

export interface EngineServiceSpec {
  Name: string;
  Labels: Record<string, string>;
  TaskTemplate: {
    ContainerSpec: {
      Image: string;
      Labels?: Record<string, string>;
      Command?: string[];
      Args?: string[];
      Hostname?: string;
      Env?: string[];
      Dir?: string;
      User?: string;
      Mounts?: EngineMount[];
      StopGracePeriod?: number;
      StopSignal?: string;
      TTY?: boolean;
      OpenStdin?: boolean;
      ReadOnly?: boolean;
      Init?: boolean;
      Healthcheck?: { Test?: string[]; Interval?: number; Timeout?: number; Retries?: number; StartPeriod?: number };
      Hosts?: string[];
      DNSConfig?: { Nameservers?: string[]; Search?: string[] };
      Secrets?: EngineFileReference[];
      Configs?: EngineFileReference[];
      Sysctls?: Record<string, string>;
      CapabilityAdd?: string[];
      CapabilityDrop?: string[];
      Ulimits?: { Name: string; Soft: number; Hard: number }[];
      [other: string]: unknown;
    };
    Resources?: {
      Limits?: { NanoCPUs?: number; MemoryBytes?: number; Pids?: number };
      Reservations?: { NanoCPUs?: number; MemoryBytes?: number };
    };
    RestartPolicy?: { Condition?: string; Delay?: number; MaxAttempts?: number; Window?: number };
    Placement?: { Constraints?: string[]; Preferences?: { Spread: { SpreadDescriptor: string } }[]; MaxReplicas?: number; [other: string]: unknown };
    Networks?: { Target: string; Aliases?: string[]; DriverOpts?: Record<string, string> }[];
    LogDriver?: { Name?: string; Options?: Record<string, string> };
    ForceUpdate?: number;
    [other: string]: unknown;
  };
  Mode: { Replicated?: { Replicas?: number }; Global?: Record<string, never> };
  UpdateConfig?: EngineUpdateConfig;
  RollbackConfig?: EngineUpdateConfig;
  EndpointSpec?: { Mode?: string; Ports?: EnginePortConfig[] };
  [other: string]: unknown;
}

export interface EngineNetworkSpec {
  Name: string;
  Driver: string;
  Labels: Record<string, string>;
  Attachable?: boolean;
  Internal?: boolean;
  Options?: Record<string, string>;
  IPAM?: { Driver?: string; Config?: { Subnet?: string }[] };
  Scope: 'swarm';
}
