// Prometheus metrics of the framework (reconciles, queue depth, watch restarts, leadership, which
// objects are Ready), on one registry that the HTTP server exposes at /metrics.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One object a controller owns, as the Ready gauge reports it. */
export interface ReadyObservation {
  controller: string;
  namespace: string;
  name: string;
  ready: boolean;
}

/** Every result a reconcile is recorded with (see Controller.process). */
const RECONCILE_RESULTS = ["done", "requeue", "temporary_error", "permanent_error", "error"] as const;

export class OperatorMetrics {
  readonly registry = new Registry();
  readonly reconciles = new Counter({
    name: "mediaplane_reconcile_total",
    help: "Reconciles by controller and result (done, requeue, temporary_error, permanent_error, error)",
    labelNames: ["controller", "result"] as const,
    registers: [this.registry],
  });
  readonly reconcileSeconds = new Histogram({
    name: "mediaplane_reconcile_duration_seconds",
    help: "Time spent in one reconcile",
    labelNames: ["controller"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: "mediaplane_workqueue_depth",
    help: "Keys waiting in a controller's queue",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });
  readonly watchRestarts = new Counter({
    name: "mediaplane_watch_restarts_total",
    help: "Watch restarts by resource and reason (Gone means a relist)",
    labelNames: ["resource", "reason"] as const,
    registers: [this.registry],
  });
  readonly statusWrites = new Counter({
    name: "mediaplane_status_writes_total",
    help: "Status subresource patches by controller",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });
  /** The controller-runtime names the qbittorrent-operator's monitoring guide uses, kept for its dashboards. */
  readonly compatReconciles = new Counter({
    name: "controller_runtime_reconcile_total",
    help: "Reconciles by controller and result (success, error, requeue_after), controller-runtime's name",
    labelNames: ["controller", "result"] as const,
    registers: [this.registry],
  });
  readonly compatReconcileErrors = new Counter({
    name: "controller_runtime_reconcile_errors_total",
    help: "Reconciles that failed, by controller, controller-runtime's name",
    labelNames: ["controller"] as const,
    registers: [this.registry],
  });
  readonly compatReconcileSeconds = new Histogram({
    name: "controller_runtime_reconcile_time_seconds",
    help: "Time spent in one reconcile, controller-runtime's name",
    labelNames: ["controller"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  /** Records one finished reconcile under our names and the controller-runtime ones. */
  recordReconcile(controller: string, result: string, seconds: number): void {
    this.reconciles.inc({ controller, result });
    this.reconcileSeconds.observe({ controller }, seconds);
    this.compatReconcileSeconds.observe({ controller }, seconds);
    const failed = result.endsWith("error");
    this.compatReconciles.inc({
      controller,
      result: failed ? "error" : result === "requeue" ? "requeue_after" : "success",
    });
    if (failed) this.compatReconcileErrors.inc({ controller });
  }

  readonly leader = new Gauge({
    name: "mediaplane_leader",
    help: "1 while this process holds the leader lease",
    registers: [this.registry],
  });

  private readyObservations: () => Iterable<ReadyObservation> = () => [];
  /** Read at scrape time from the informer caches, so it never lags behind or outlives an object. */
  readonly resourceReady = new Gauge({
    name: "mediaplane_resource_ready",
    help: "1 while the object's Ready condition is True, 0 otherwise, by controller, namespace and name",
    labelNames: ["controller", "namespace", "name"] as const,
    registers: [this.registry],
    collect: () => {
      this.resourceReady.reset();
      for (const seen of this.readyObservations()) {
        const { controller, namespace, name } = seen;
        this.resourceReady.set({ controller, namespace, name }, seen.ready ? 1 : 0);
      }
    },
  });

  constructor(collectProcessMetrics = true) {
    if (collectProcessMetrics) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * Creates every series of a controller at zero, so rates and alerts see 0 (not "no data") before
   * the first error or status write.
   */
  registerController(controller: string): void {
    for (const result of RECONCILE_RESULTS) this.reconciles.inc({ controller, result }, 0);
    for (const result of ["success", "error", "requeue_after"])
      this.compatReconciles.inc({ controller, result }, 0);
    this.compatReconcileErrors.inc({ controller }, 0);
    this.statusWrites.inc({ controller }, 0);
    this.queueDepth.set({ controller }, 0);
  }

  /** Where the Ready gauge reads its objects from (the Operator passes its controllers' caches). */
  observeReadiness(source: () => Iterable<ReadyObservation>): void {
    this.readyObservations = source;
  }
}
