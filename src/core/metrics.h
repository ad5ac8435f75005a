#pragma once
// Prometheus metrics for the HTTP layer and the database pool. Each IO thread records into its own shard
// (no cross-thread contention on the hot path); a scrape merges the shards.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace thorbecke {

class Metrics {
  public:
    static constexpr std::array<double, 12> kBuckets = {
        0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

    //! Records one finished request. `route` is the route pattern (bounded cardinality), not the path.
    void Record(std::string_view method, std::string_view route, int status, double seconds);

    //! Extra gauges appended at scrape time (e.g. database pool state): name, help, value.
    using GaugeFn = std::function<std::vector<std::tuple<std::string, std::string, double>>()>;
    void AddGauges(GaugeFn fn);

    //! Text exposition format 0.0.4.
    std::string Render() const;

  private:
    struct Series {
        std::uint64_t count = 0;
        double sum = 0;
        std::array<std::uint64_t, kBuckets.size()> buckets{};
    };
    struct Shard {
        std::mutex mu;
        std::map<std::tuple<std::string, std::string, int>, Series> series;
    };
    Shard& LocalShard();

    mutable std::mutex mu_;
    std::vector<std::unique_ptr<Shard>> shards_;
    std::vector<GaugeFn> gauges_;
};

}  // namespace thorbecke
