/** per-pod-gpu-metric-on-shared-gpu: DCGM metrics filtered by pod while the target shares its GPU. */
import { rootOf } from '../model';
import { getPair } from '../parse';
import { querySites, siteRange, siteTouchesTemplate, targetInfo, type TargetInfo } from '../promql/sites';
import type { Rule } from './types';

const POD_LABELS: ReadonlySet<string> = new Set(['pod', 'pod_name', 'exported_pod']);

/** isSharedGpu tells whether a resource name hands out a share of a GPU: time-slicing or a MIG slice. */
function isSharedGpu(resource: string): boolean {
  return resource === 'nvidia.com/gpu.shared' || resource.startsWith('nvidia.com/mig-');
}

/** perPodGpuMetricOnSharedGpu reports per-pod DCGM queries on targets that request a shared or MIG GPU. */
export const perPodGpuMetricOnSharedGpu: Rule = {
  id: 'per-pod-gpu-metric-on-shared-gpu',
  defaultSeverity: 'warning',
  appliesTo: ['ScaledObject', 'ScaledJob'],
  docs: {
    summary: 'A query filters DCGM GPU metrics by `pod` while the scale target requests a time-sliced (`nvidia.com/gpu.shared`) or MIG GPU.',
    rationale:
      'DCGM measures devices, not pods. Under time-slicing every pod sharing a GPU gets the whole device\'s value (four pods at 25% each all report 100%), ' +
      'and under MIG or sharing the pod labels can be missing altogether unless the exporter runs with virtual-GPU support. A per-pod GPU query then ' +
      'scales on another tenant\'s load, or on no data.',
    remedy: 'Scale on the serving engine\'s own metrics (queue depth, KV-cache use), which are per pod by construction; or aggregate DCGM per device (`UUID`, `GPU_I_ID`) instead of per pod.',
    sources: ['NVIDIA/dcgm-exporter issues #151, #307, #577 and PR #594 (`--kubernetes-virtual-gpus`)', 'NVIDIA GPU operator docs (time-slicing, `nvidia.com/gpu.shared`)', 'field AP-14'],
  },
  check(ctx) {
    const sites = querySites(ctx.obj).filter((s) => s.kind === 'keda-query' && s.analysis);
    if (!sites.length) return;
    const target = targetInfo(ctx.obj, ctx.ws);
    const shared = target?.workload.gpuResources.filter(isSharedGpu) ?? [];
    if (!target || !shared.length) return;
    for (const site of sites) {
      for (const use of site.analysis!.selectors) {
        if (!use.sel.name?.startsWith('DCGM_FI_')) continue;
        const m = use.sel.matchers.find((x) => POD_LABELS.has(x.label));
        if (!m || siteTouchesTemplate(ctx.obj, site, m.labelSpan.from, m.valueSpan.to)) continue;
        const [start, end] = siteRange(site, m.labelSpan.from, m.labelSpan.to);
        const timeSliced = shared[0] === 'nvidia.com/gpu.shared';
        const why = timeSliced
          ? 'a time-sliced GPU: DCGM reports device values, so every pod sharing the device shows the same number, or the pod label is missing'
          : 'a MIG slice: device-level DCGM fields describe the whole GPU or are not reported per slice, and the pod label can be missing';
        ctx.report({
          start,
          end,
          message: `\`${use.sel.name}\` is filtered by \`${m.label}\`, but the target requests \`${shared[0]}\`, ${why}. Scale on the serving engine's own metrics instead.`,
          related: [{ uri: target.obj.file.uri, ...resourceRange(target, shared[0]), message: `\`${shared[0]}\` requested here` }],
        });
      }
    }
  },
};

/** resourceRange locates the resource key in the target's containers (the document start when not found). */
function resourceRange(target: TargetInfo, resource: string): { start: number; end: number } {
  for (const c of target.workload.containers) {
    for (const kind of ['limits', 'requests']) {
      const pair = getPair(rootOf(target.obj), [...c.path, 'resources', kind, resource]);
      if (pair?.key.range) return { start: pair.key.range[0], end: pair.key.range[1] };
    }
  }
  return { start: target.obj.doc.start, end: target.obj.doc.start };
}
