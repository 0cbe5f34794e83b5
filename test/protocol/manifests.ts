/** Manifests the protocol suites share. */

/**
 * gpuServing is a GPU Deployment under a CPU-based HPA (a `cpu-metric-on-gpu-workload` finding, and a simulation)
 * and a ScaledObject whose target is missing (it cannot be simulated); `maxReplicaCount` is written as given.
 */
export function gpuServing(maxReplicaCount: string): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: vllm
spec:
  selector: {matchLabels: {app: vllm}}
  template:
    metadata: {labels: {app: vllm}}
    spec:
      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.10.1
          args: ["--model", "meta-llama/Llama-3.1-8B-Instruct"]
          resources:
            limits: {nvidia.com/gpu: "1"}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: vllm
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: vllm}
  minReplicas: 1
  maxReplicas: 4
  metrics:
    - type: Resource
      resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
---
apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata:
  name: queue
spec:
  scaleTargetRef: {name: vllm-missing}
  maxReplicaCount: ${maxReplicaCount}
  triggers:
    - type: prometheus
      metadata: {serverAddress: "http://prometheus:9090", query: "sum(vllm:num_requests_waiting)", threshold: "4"}
`;
}
