#include "core/metrics.h"

#include <fmt/format.h>

namespace thorbecke {

Metrics::Shard& Metrics::LocalShard() {
    thread_local std::map<const Metrics*, Shard*> mine;
    auto it = mine.find(this);
    if (it != mine.end()) return *it->second;
    std::lock_guard lock(mu_);
    shards_.push_back(std::make_unique<Shard>());
    Shard* s = shards_.back().get();
    mine[this] = s;
    return *s;
}

void Metrics::Record(std::string_view method, std::string_view route, int status, double seconds) {
    Shard& shard = LocalShard();
    std::lock_guard lock(shard.mu);  // uncontended except while a scrape reads this shard
    auto& s = shard.series[{std::string(method), std::string(route), status}];
    s.count++;
    s.sum += seconds;
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        if (seconds <= kBuckets[i]) s.buckets[i]++;
    }
}

void Metrics::AddGauges(GaugeFn fn) {
    std::lock_guard lock(mu_);
    gauges_.push_back(std::move(fn));
}

std::string Metrics::Render() const {
    std::map<std::tuple<std::string, std::string, int>, Series> merged;
    std::vector<GaugeFn> gauges;
    {
        std::lock_guard lock(mu_);
        for (const auto& shard : shards_) {
            std::lock_guard shard_lock(shard->mu);
            for (const auto& [key, s] : shard->series) {
                auto& m = merged[key];
                m.count += s.count;
                m.sum += s.sum;
                for (std::size_t i = 0; i < kBuckets.size(); ++i) m.buckets[i] += s.buckets[i];
            }
        }
        gauges = gauges_;
    }
    std::string out;
    out += "# HELP thorbecke_http_requests_total HTTP requests handled, by method, route and status.\n";
    out += "# TYPE thorbecke_http_requests_total counter\n";
    for (const auto& [key, s] : merged) {
        const auto& [method, route, status] = key;
        out += fmt::format(
            "thorbecke_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{}\"}} {}\n",
            method,
            route,
            status,
            s.count
        );
    }
    // Latency per route (summed over methods and statuses).
    std::map<std::string, Series> per_route;
    for (const auto& [key, s] : merged) {
        auto& r = per_route[std::get<1>(key)];
        r.count += s.count;
        r.sum += s.sum;
        for (std::size_t i = 0; i < kBuckets.size(); ++i) r.buckets[i] += s.buckets[i];
    }
    out += "# HELP thorbecke_http_request_duration_seconds Time from request read to response written.\n";
    out += "# TYPE thorbecke_http_request_duration_seconds histogram\n";
    for (const auto& [route, s] : per_route) {
        for (std::size_t i = 0; i < kBuckets.size(); ++i) {
            out += fmt::format(
                "thorbecke_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n",
                route,
                kBuckets[i],
                s.buckets[i]
            );
        }
        out += fmt::format(
            "thorbecke_http_request_duration_seconds_bucket{{route=\"{}\",le=\"+Inf\"}} {}\n", route, s.count
        );
        out += fmt::format("thorbecke_http_request_duration_seconds_sum{{route=\"{}\"}} {}\n", route, s.sum);
        out += fmt::format("thorbecke_http_request_duration_seconds_count{{route=\"{}\"}} {}\n", route, s.count);
    }
    for (const auto& fn : gauges) {
        for (const auto& [name, help, value] : fn()) {
            out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, value);
        }
    }
    return out;
}

}  // namespace thorbecke
