/**
 * The CRI pod-metrics RPCs (ListMetricDescriptors, ListPodSandboxMetrics,
 * StreamPodSandboxMetrics): cAdvisor-named metrics built from the container
 * stats collector (io.berth.runtime.container.stats) plus the cgroup's OOM
 * kill counter. See {@link io.berth.runtime.podmetrics.MetricCatalog} for the
 * names and labels and why they are what they are.
 */
package io.berth.runtime.podmetrics;
