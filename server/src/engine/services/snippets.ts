/** Whole-policy snippets for GPU model serving, offered at the top of an empty YAML document. */

export interface PolicySnippet {
  label: string;
  detail: string;
  documentation: string;
  body: string;
}

export const policySnippets: PolicySnippet[] = [
  {
    label: 'scalelens: KEDA ScaledObject on vLLM queue depth',
    detail: 'ScaledObject scaling a vLLM Deployment on vllm:num_requests_waiting',
    documentation:
      'Scales a vLLM server on the number of requests waiting in its scheduler queue, the signal that rises first when a replica is saturated. ' +
      'Keeps one warm replica, slows scale-down to outlast a cold start and quotes every metadata value (KEDA metadata is a map of strings).',
    body: [
      'apiVersion: keda.sh/v1alpha1',
      'kind: ScaledObject',
      'metadata:',
      '  name: ${1:vllm}-scaler',
      'spec:',
      '  scaleTargetRef:',
      '    name: ${1:vllm}',
      '  minReplicaCount: ${2:1}',
      '  maxReplicaCount: ${3:8}',
      '  pollingInterval: 15',
      '  cooldownPeriod: 600',
      '  advanced:',
      '    horizontalPodAutoscalerConfig:',
      '      behavior:',
      '        scaleUp:',
      '          stabilizationWindowSeconds: 0',
      '          policies:',
      '            - type: Pods',
      '              value: 2',
      '              periodSeconds: 60',
      '        scaleDown:',
      '          stabilizationWindowSeconds: 600',
      '  triggers:',
      '    - type: prometheus',
      '      metadata:',
      '        serverAddress: ${4:http://prometheus-operated.monitoring.svc:9090}',
      '        query: sum(vllm:num_requests_waiting{model_name="${5:model}"})',
      '        threshold: "${6:5}"',
      '        ignoreNullValues: "false"',
      '$0',
    ].join('\n'),
  },
  {
    label: 'scalelens: HPA v2 on an external queue metric with slow scale-down',
    detail: 'autoscaling/v2 HorizontalPodAutoscaler with a scale-down stabilization window',
    documentation:
      'An autoscaling/v2 HPA on an external per-replica queue metric (AverageValue), with scale-up limited per minute while new GPU pods load and ' +
      'a scale-down stabilization window longer than a cold start.',
    body: [
      'apiVersion: autoscaling/v2',
      'kind: HorizontalPodAutoscaler',
      'metadata:',
      '  name: ${1:vllm}',
      'spec:',
      '  scaleTargetRef:',
      '    apiVersion: apps/v1',
      '    kind: Deployment',
      '    name: ${1:vllm}',
      '  minReplicas: ${2:1}',
      '  maxReplicas: ${3:8}',
      '  metrics:',
      '    - type: External',
      '      external:',
      '        metric:',
      '          name: ${4:vllm:num_requests_waiting}',
      '        target:',
      '          type: AverageValue',
      '          averageValue: "${5:5}"',
      '  behavior:',
      '    scaleUp:',
      '      stabilizationWindowSeconds: 0',
      '      policies:',
      '        - type: Pods',
      '          value: 2',
      '          periodSeconds: 60',
      '    scaleDown:',
      '      stabilizationWindowSeconds: ${6:600}',
      '$0',
    ].join('\n'),
  },
];
