// Request bodies as real Mesos v1 clients put them on the wire (JSON text, their field order and
// spacing): the Mesos docs' scheduler-http-api page, pymesos (json.dumps of dicts) and mesos-go
// (encoding/json of its generated structs: required strings always present, bytes as padded base64).

/** pymesos MesosSchedulerDriver.gen_request: FrameworkInfo as the user gave it plus failover_timeout 100. */
export const PYMESOS_SUBSCRIBE = `{"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "", "name": "pymesos-demo", "hostname": "worker-3", "roles": ["analytics"], "capabilities": [{"type": "MULTI_ROLE"}, {"type": "GPU_RESOURCES"}], "failover_timeout": 100}}}`;

/** pymesos re-subscribing after failover: framework_id and framework_info.id both set. */
export const PYMESOS_RESUBSCRIBE = `{"type": "SUBSCRIBE", "subscribe": {"framework_info": {"user": "", "name": "pymesos-demo", "id": {"value": "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-0007"}, "failover_timeout": 100}}, "framework_id": {"value": "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-0007"}}`;

/** The Mesos docs' SUBSCRIBE example (tabs and all), with suppressed roles and offer constraints. */
export const DOCS_SUBSCRIBE = `{
   "type"\t\t: "SUBSCRIBE",
   "subscribe"\t: {
      "framework_info"\t: {
        "user" :  "foo",
        "name" :  "Example HTTP Framework",
        "roles": ["test1", "test2"],
        "capabilities" : [{"type": "MULTI_ROLE"}]
      },
      "suppressed_roles" : ["test2"],
      "offer_constraints" : {
        "role_constraints": {
          "test1": {
            "groups": [{
              "attribute_constraints": [{
                "selector": {"attribute_name": "foo"},
                "predicate": {"exists": {}}
              }]
            }]
          }
        }
      }
   }
}`;

/** mesos-go (encoding/json): unset optional pointers are omitted, `checkpoint` and `principal` set. */
export const MESOS_GO_SUBSCRIBE = `{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"root","name":"mesos-go-example","failover_timeout":604800,"checkpoint":true,"role":"*","principal":"example","capabilities":[{"type":"TASK_KILLING_STATE"},{"type":"PARTITION_AWARE"}],"labels":{"labels":[{"key":"team","value":"infra"}]}}}}`;

/** pymesos launchTasks → acceptOffers: one LAUNCH with a command task, resources with role "*". */
export const PYMESOS_ACCEPT_LAUNCH = `{"type": "ACCEPT", "framework_id": {"value": "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-0007"}, "accept": {"offer_ids": [{"value": "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-O42"}], "operations": [{"type": "LAUNCH", "launch": {"task_infos": [{"task_id": {"value": "task-1"}, "agent_id": {"value": "3c1d6a2e-0f1b-4d8e-9b0a-2f7c5e1d9a40-S0"}, "name": "task task-1", "command": {"value": "echo hello && sleep 5", "environment": {"variables": [{"name": "GREETING", "value": "hi"}]}}, "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 0.5}, "role": "*"}, {"name": "mem", "type": "SCALAR", "scalar": {"value": 64}, "role": "*"}, {"name": "ports", "type": "RANGES", "ranges": {"range": [{"begin": 31000, "end": 31001}]}, "role": "*"}]}]}}], "filters": {"refuse_seconds": 5.0}}}`;

/** The Mesos docs' ACCEPT example: custom executor, allocation_info, role "*" (limits left out: see test). */
export const DOCS_ACCEPT_EXECUTOR = `{
  "framework_id": {"value": "12220-3440-12532-2345"},
  "type": "ACCEPT",
  "accept": {
    "offer_ids": [
      {"value": "12220-3440-12532-O12"}
    ],
    "operations": [
      {
        "type": "LAUNCH",
        "launch": {
          "task_infos": [
            {
              "name": "My Task",
              "task_id": {"value": "12220-3440-12532-my-task"},
              "agent_id": {"value": "12220-3440-12532-S1233"},
              "executor": {
                "command": {
                  "shell": true,
                  "value": "sleep 1000"
                },
                "executor_id": {"value": "12214-23523-my-executor"}
              },
              "resources": [
                {
                  "allocation_info": {"role": "engineering"},
                  "name": "cpus",
                  "role": "*",
                  "type": "SCALAR",
                  "scalar": {"value": 1.0}
                }, {
                  "allocation_info": {"role": "engineering"},
                  "name": "mem",
                  "role": "*",
                  "type": "SCALAR",
                  "scalar": {"value": 128.0}
                }
              ]
            }
          ]
        }
      }
    ],
    "filters": {"refuse_seconds": 5.0}
  }
}`;

/** mesos-go: a Docker task with BRIDGE networking, port mappings, a health check and a kill policy. */
export const MESOS_GO_ACCEPT_DOCKER = `{"framework_id":{"value":"fw-go"},"type":"ACCEPT","accept":{"offer_ids":[{"value":"o-1"},{"value":"o-2"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"web","task_id":{"value":"web-0"},"agent_id":{"value":"a-1"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":0.1},"role":"*"},{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31005,"end":31005}]},"role":"*"}],"command":{"shell":false},"container":{"type":"DOCKER","docker":{"image":"busybox:latest","network":"BRIDGE","port_mappings":[{"host_port":31005,"container_port":80,"protocol":"tcp"}],"privileged":false,"parameters":[{"key":"label","value":"app=web"}],"force_pull_image":false},"volumes":[{"container_path":"/data","host_path":"/var/data","mode":"RW"}]},"health_check":{"delay_seconds":5,"interval_seconds":10,"timeout_seconds":2,"consecutive_failures":3,"type":"HTTP","http":{"port":80,"path":"/health"}},"kill_policy":{"grace_period":{"nanoseconds":"5000000000"}},"labels":{"labels":[{"key":"tier","value":"frontend"}]}}]}}],"filters":{"refuse_seconds":1}}}`;

/** The Mesos docs' DECLINE example. */
export const DOCS_DECLINE = `{
  "framework_id"\t: {"value" : "12220-3440-12532-2345"},
  "type"\t\t\t: "DECLINE",
  "decline"\t\t\t: {
    "offer_ids"\t: [
                   {"value" : "12220-3440-12532-O12"},
                   {"value" : "12220-3440-12532-O13"}
                  ],
    "filters"\t: {"refuse_seconds" : 5.0}
  }
}`;

/** pymesos acknowledgeStatusUpdate: agent_id, task_id and uuid copied from the UPDATE's status. */
export const PYMESOS_ACKNOWLEDGE = `{"type": "ACKNOWLEDGE", "framework_id": {"value": "fw-py"}, "acknowledge": {"agent_id": {"value": "a-1"}, "task_id": {"value": "task-1"}, "uuid": "bHWyr0rTTyeaInyVAnSiTA=="}}`;

/** The Mesos docs' ACKNOWLEDGE example: 22 characters of unpadded base64 = 16 bytes. */
export const DOCS_ACKNOWLEDGE = `{
  "framework_id"\t: {"value" : "12220-3440-12532-2345"},
  "type"\t\t\t: "ACKNOWLEDGE",
  "acknowledge"\t\t: {
    "agent_id"\t:  {"value" : "12220-3440-12532-S1233"},
    "task_id"\t:  {"value" : "12220-3440-12532-my-task"},
    "uuid"\t\t:  "jhadf73jhakdlfha723adf"
  }
}`;

/** pymesos reconcileTasks([]): implicit reconciliation. */
export const PYMESOS_RECONCILE_ALL = `{"type": "RECONCILE", "framework_id": {"value": "fw-py"}, "reconcile": {"tasks": []}}`;

/** pymesos reconcileTasks: explicit, task_id only. */
export const PYMESOS_RECONCILE_SOME = `{"type": "RECONCILE", "framework_id": {"value": "fw-py"}, "reconcile": {"tasks": [{"task_id": {"value": "task-1"}}, {"task_id": {"value": "task-2"}}]}}`;

/** pymesos reviveOffers() and suppressOffers() without roles: no body at all. */
export const PYMESOS_REVIVE = `{"type": "REVIVE", "framework_id": {"value": "fw-py"}}`;
export const PYMESOS_SUPPRESS_ROLES = `{"type": "SUPPRESS", "framework_id": {"value": "fw-py"}, "suppress": {"roles": ["analytics"]}}`;

/** pymesos killTask: task_id only. */
export const PYMESOS_KILL = `{"type": "KILL", "framework_id": {"value": "fw-py"}, "kill": {"task_id": {"value": "task-1"}}}`;

export const DOCS_SHUTDOWN = `{
  "framework_id"\t: {"value" : "12220-3440-12532-2345"},
  "type"\t\t\t: "SHUTDOWN",
  "shutdown"\t\t: {
    "executor_id"\t:  {"value" : "123450-2340-1232-my-executor"},
    "agent_id"\t\t:  {"value" : "12220-3440-12532-S1233"}
  }
}`;

export const DOCS_MESSAGE = `{
  "framework_id"\t: {"value" : "12220-3440-12532-2345"},
  "type"\t\t\t: "MESSAGE",
  "message"\t\t\t: {
    "agent_id"       : {"value" : "12220-3440-12532-S1233"},
    "executor_id"    : {"value" : "my-framework-executor"},
    "data"           : "adaf838jahd748jnaldf"
  }
}`;

export const PYMESOS_TEARDOWN = `{"type": "TEARDOWN", "framework_id": {"value": "fw-py"}}`;

export const PYMESOS_REQUEST = `{"type": "REQUEST", "framework_id": {"value": "fw-py"}, "request": {"requests": [{"agent_id": {"value": "a-1"}, "resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 2}}]}]}}`;

export const DOCS_RECONCILE_OPERATIONS = `{
  "framework_id": { "value": "12220-3440-12532-2345" },
  "type": "RECONCILE_OPERATIONS",
  "reconcile_operations": {
    "operations": [
      {
        "operation_id": { "value": "312325" },
        "agent_id": { "value": "123535" },
        "resource_provider_id": { "value": "927695" }
      }
    ]
  }
}`;

/** mesos-go: RESERVE then CREATE a persistent volume in one ACCEPT. */
export const MESOS_GO_ACCEPT_RESERVE_CREATE = `{"framework_id":{"value":"fw-go"},"type":"ACCEPT","accept":{"offer_ids":[{"value":"o-9"}],"operations":[{"type":"RESERVE","reserve":{"resources":[{"name":"disk","type":"SCALAR","scalar":{"value":1024},"reservations":[{"type":"DYNAMIC","role":"db","principal":"fw-go"}]}]}},{"type":"CREATE","create":{"volumes":[{"name":"disk","type":"SCALAR","scalar":{"value":1024},"reservations":[{"type":"DYNAMIC","role":"db","principal":"fw-go"}],"disk":{"persistence":{"id":"pg-data","principal":"fw-go"},"volume":{"container_path":"pgdata","mode":"RW"}}}]}}]}}`;
