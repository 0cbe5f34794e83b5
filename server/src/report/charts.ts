/** The charts of the HTML report, named once for the page that lays them out and the script that draws them. */

/** Which chart a `.plot` element shows. */
export type ChartId = 'traffic' | 'replicas' | 'latency' | 'cost';

/** A chart of the report: its title and a line on how to read it. */
export interface ChartDef {
  id: ChartId;
  title: string;
  note: string;
}

/** CHARTS lists the report's charts in display order. */
export const CHARTS: readonly ChartDef[] = [
  { id: 'traffic', title: 'Traffic and serving capacity (requests/s)', note: 'Capacity is what the serving replicas complete at full batch; traffic above it queues, and requests that wait past the timeout are dropped.' },
  { id: 'replicas', title: 'Replicas and nodes', note: 'Desired is what the autoscaler asked for; pending pods wait for a GPU node or their image; ready pods pass their probes.' },
  { id: 'latency', title: 'Time to first token (p95) against the SLO, and the queue', note: 'The SLO line is the objective; the queue (right axis) counts requests waiting for a batch slot.' },
  { id: 'cost', title: 'Cumulative GPU cost (USD)', note: 'Nodes are billed while they exist, provisioning and idle time included.' },
];
