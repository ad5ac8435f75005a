#include "notificaties/dispatcher.h"

#include <algorithm>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "core/log.h"
#include "core/notify/outbox.h"
#include "core/uuid.h"

namespace thorbecke::notificaties {

namespace bj = boost::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// How often the loop looks at the wake-up counters when idle: reading two atomics, no database.
constexpr milliseconds kTick{2};
// How often the pending/failed gauges are recounted.
constexpr milliseconds kCountEvery{2'000};
// Error texts kept per delivery are cut to this length.
constexpr std::size_t kMaxErrorText = 300;

std::int64_t NowMs() {
    return std::chrono::duration_cast<milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string IsoFromMs(std::int64_t ms) {
    std::chrono::sys_time<milliseconds> t{milliseconds(ms)};
    auto secs = std::chrono::floor<std::chrono::seconds>(t);
    return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03}Z", secs, (t - secs).count());
}

std::string Cut(std::string s) {
    if (s.size() > kMaxErrorText) s.resize(kMaxErrorText);
    return s;
}

bj::value OptJson(const std::optional<std::int64_t>& v) {
    if (!v) return nullptr;
    return *v;
}

bj::value OptIso(const std::optional<std::int64_t>& v) {
    if (!v) return nullptr;
    return bj::value(IsoFromMs(*v));
}

bj::value OptJson(const std::optional<std::string>& v) {
    if (!v) return nullptr;
    return bj::value(*v);
}

Status RequireAllRights(const http::Request& req) {
    if (!req.principal || !req.principal->all_rights) return Fail(Error::Forbidden());
    return {};
}

//! The {uuid} of an admin route on one abonnement, for callers with all rights.
Result<std::string> AbonnementParam(const http::Request& req) {
    if (auto ok = RequireAllRights(req); !ok) return Fail(ok.error());
    const std::string& uuid = req.PathParam("uuid");
    if (!IsUuid(uuid)) return Fail(Error::NotFound());
    return uuid;
}

}  // namespace

Dispatcher::Dispatcher(
    storage::Database& db, http::HttpClient& client, DispatcherOptions options, storage::ChangeFeed* feed
)
    : db_(db),
      store_(db),
      client_(client),
      options_(options),
      feed_(feed),
      node_(NewUuid()),
      random_(std::random_device{}()) {}

Dispatcher::~Dispatcher() {
    Stop();
}

void Dispatcher::Start() {
    asio::co_spawn(ioc_, Run(), asio::detached);
    thread_ = std::thread([this] { ioc_.run(); });
}

void Dispatcher::Stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

std::int64_t Dispatcher::Backoff(std::int64_t failed_attempts) {
    // Exponential from `backoff`, capped; jitter spreads the retries of many deliveries that failed together.
    double delay = static_cast<double>(options_.backoff.count());
    const auto cap = static_cast<double>(options_.backoff_max.count());
    for (std::int64_t i = 0; i < failed_attempts && delay < cap; ++i) delay *= 2;
    delay = std::min(delay, cap);
    std::uniform_real_distribution<double> jitter(0.5, 1.0);
    return std::max<std::int64_t>(1, static_cast<std::int64_t>(delay * jitter(random_)));
}

asio::awaitable<void> Dispatcher::Deliver(Delivery d) {
    http::ClientRequest request;
    request.method = "POST";
    request.url = d.callback_url;
    if (!d.auth.empty()) request.headers.emplace_back("Authorization", d.auth);
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = std::move(d.message);
    Result<http::ClientAnswer> answer;
    try {
        answer = co_await client_.Send(std::move(request));
    } catch (const std::exception& e) {
        answer = Fail(Error::Internal(e.what()));
    }
    const std::int64_t now = NowMs();
    if (answer && answer->status >= 200 && answer->status < 300) {
        delivered_.push_back(d.id);
    } else {
        Failure f;
        f.id = d.id;
        f.attempted_at = now;
        if (answer) {
            f.status = static_cast<std::int64_t>(answer->status);
            f.error = Cut(fmt::format("HTTP {}", answer->status));
        } else {
            f.error =
                Cut(answer.error().code.empty() ? answer.error().detail
                                                : answer.error().code + ": " + answer.error().detail);
        }
        f.next_attempt_at = now + Backoff(d.attempts);
        // No attempt would fall inside the retry window any more: give up, so the next message may go.
        f.give_up = f.next_attempt_at > d.window_start + options_.retry_window.count();
        failures_.push_back(std::move(f));
    }
    --in_flight_;
}

asio::awaitable<void> Dispatcher::Flush() {
    if (delivered_.empty() && failures_.empty()) co_return;
    auto delivered = std::exchange(delivered_, {});
    auto failures = std::exchange(failures_, {});
    std::size_t failed_count = failures.size();
    auto st = co_await store_.Record(std::move(delivered), std::move(failures), node_);
    // On error the outcomes are lost and the leases run out: the deliveries are sent again (at least once).
    if (!st) log::Error("notificaties: recording deliveries failed", {{"error", st.error().detail}});
    if (failed_count > 0)
        log::Warn("notificaties: delivery attempts failed", {{"count", std::to_string(failed_count)}});
}

asio::awaitable<void> Dispatcher::Run() {
    asio::steady_timer timer(ioc_);
    const std::size_t concurrency = std::max<std::size_t>(1, options_.concurrency);
    const std::size_t batch = std::max<std::size_t>(1, options_.fanout_batch);
    // The lease outlives the POST's deadline with room to record the outcome.
    const std::int64_t lease = options_.timeout.count() + std::max<std::int64_t>(options_.timeout.count(), 2'000);
    std::uint64_t seen_local = notify::LocalWakeup().Count();
    std::optional<std::uint64_t> seen_feed = feed_ ? feed_->Version() : std::nullopt;
    bool fanout = true;
    bool claim = true;
    auto next_poll = Clock::now() + options_.poll;
    auto next_count = Clock::now();
    try {
        while (!stopping_) {
            auto now = Clock::now();
            std::uint64_t local = notify::LocalWakeup().Count();
            std::optional<std::uint64_t> feed_version = feed_ ? feed_->Version() : std::nullopt;
            if (local != seen_local || (feed_version && feed_version != seen_feed)) {
                seen_local = local;
                seen_feed = feed_version;
                fanout = claim = true;
            }
            if (now >= next_poll) {
                fanout = claim = true;
                next_poll = now + options_.poll;
            }
            if (fanout) {
                auto handled = co_await store_.Fanout(batch, NowMs());
                if (!handled) log::Error("notificaties: fan-out failed", {{"error", handled.error().detail}});
                fanout = handled && *handled == batch;  // a full batch: there may be more
                if (handled && *handled > 0) claim = true;
            }
            if (!delivered_.empty() || !failures_.empty()) {
                co_await Flush();
                claim = true;  // the next message of those hoofdObjecten may go now
            }
            if (claim && in_flight_ < concurrency) {
                const std::size_t want = concurrency - in_flight_;
                const std::int64_t at = NowMs();
                auto claimed = co_await store_.Claim(want, at, at + lease, node_);
                if (!claimed) {
                    log::Error("notificaties: claiming deliveries failed", {{"error", claimed.error().detail}});
                    claim = false;
                } else {
                    claim = claimed->size() == want;
                    for (auto& d : *claimed) {
                        ++in_flight_;
                        asio::co_spawn(ioc_, Deliver(std::move(d)), asio::detached);
                    }
                    if (!claim && in_flight_ == 0) {
                        // Nothing more to send now: wake when the next retry or lease comes due.
                        auto due = co_await store_.NextDue();
                        if (due && *due) {
                            std::int64_t wait = std::max<std::int64_t>(**due - NowMs(), 5);
                            next_poll = std::min(next_poll, Clock::now() + milliseconds(wait));
                        }
                    }
                }
            }
            if (now >= next_count) {
                next_count = now + kCountEvery;
                auto totals = co_await store_.Totals();
                if (totals) {
                    pending_.store(totals->first, std::memory_order_relaxed);
                    failed_.store(totals->second, std::memory_order_relaxed);
                }
            }
            bool more_now = fanout || (claim && in_flight_ < concurrency) || !delivered_.empty() || !failures_.empty();
            if (!more_now) {
                timer.expires_after(kTick);
                co_await timer.async_wait(kTuple);
            }
        }
        // Shutting down: POSTs in flight end within their deadline; record what they gave.
        while (in_flight_ > 0) {
            timer.expires_after(kTick);
            co_await timer.async_wait(kTuple);
        }
        co_await Flush();
    } catch (const std::exception& e) {
        log::Error("notificaties: dispatcher stopped", {{"error", e.what()}});
    }
}

std::string SummaryText(const std::vector<AbonnementStatus>& list) {
    std::string out = fmt::format(
        "{:<36}  {:>8}  {:>7}  {:>10}  {:<24}  {}\n",
        "abonnement",
        "pending",
        "failed",
        "delivered",
        "oldest pending",
        "callbackUrl / last error"
    );
    for (const auto& a : list) {
        out += fmt::format(
            "{:<36}  {:>8}  {:>7}  {:>10}  {:<24}  {}\n",
            a.uuid,
            a.pending,
            a.failed,
            a.delivered,
            a.oldest_pending ? IsoFromMs(*a.oldest_pending) : "-",
            a.callback_url
        );
        if (a.last_error) {
            out += fmt::format(
                "{:<36}  last error {}: {}\n", "", a.last_error_at ? IsoFromMs(*a.last_error_at) : "", *a.last_error
            );
        }
    }
    return out;
}

void RegisterAdminRoutes(http::Router& router, DeliveryStore& store) {
    using http::Method;
    using http::Request;
    using http::Response;
    const std::string base = "/beheer/api/v1/notificaties/abonnementen";
    // Any authenticated client may ask; the handler answers only those with all rights (403 otherwise).
    const http::Access any = http::Access::AnyOf({});

    router.Add(Method::kGet, base, any, [&store](Request& req) -> asio::awaitable<Result<Response>> {
        if (auto ok = RequireAllRights(req); !ok) co_return Fail(ok.error());
        auto list = co_await store.Summary();
        if (!list) co_return Fail(list.error());
        bj::array out;
        for (const auto& a : *list) {
            bj::object o;
            o["uuid"] = a.uuid;
            o["url"] = req.base_url + "/notificaties/api/v1/abonnement/" + a.uuid;
            o["callbackUrl"] = a.callback_url;
            o["pending"] = a.pending;
            o["failed"] = a.failed;
            o["delivered"] = a.delivered;
            o["oldestPendingSince"] = OptIso(a.oldest_pending);
            o["lastStatus"] = OptJson(a.last_status);
            o["lastError"] = OptJson(a.last_error);
            o["lastErrorAt"] = OptIso(a.last_error_at);
            out.push_back(std::move(o));
        }
        co_return Response::Json(200, bj::serialize(out));
    });

    router.Add(
        Method::kGet,
        base + "/{uuid}/afleveringen",
        any,
        [&store](Request& req) -> asio::awaitable<Result<Response>> {
            auto uuid = AbonnementParam(req);
            if (!uuid) co_return Fail(uuid.error());
            auto list = co_await store.Afleveringen(*uuid, 1000);
            if (!list) co_return Fail(list.error());
            if (!*list) co_return Fail(Error::NotFound());
            bj::array out;
            for (const auto& a : **list) {
                bj::object o;
                o["id"] = a.id;
                o["state"] = a.state;
                boost::system::error_code ec;
                bj::value message = bj::parse(a.message, ec);
                const bj::value* hoofd = message.is_object() ? message.as_object().if_contains("hoofdObject") : nullptr;
                o["hoofdObject"] = hoofd ? *hoofd : bj::value(a.hoofd_object);
                o["message"] = ec ? bj::value(a.message) : std::move(message);
                o["attempts"] = a.attempts;
                o["createdAt"] = IsoFromMs(a.created_at);
                o["nextAttemptAt"] = a.state == "pending" ? bj::value(IsoFromMs(a.next_attempt_at)) : nullptr;
                o["lastAttemptAt"] = OptIso(a.last_attempt_at);
                o["lastStatus"] = OptJson(a.last_status);
                o["lastError"] = OptJson(a.last_error);
                out.push_back(std::move(o));
            }
            co_return Response::Json(200, bj::serialize(out));
        }
    );

    router.Add(
        Method::kPost,
        base + "/{uuid}/afleveringen/opnieuw",
        any,
        [&store](Request& req) -> asio::awaitable<Result<Response>> {
            auto uuid = AbonnementParam(req);
            if (!uuid) co_return Fail(uuid.error());
            auto n = co_await store.RetryFailed(*uuid, NowMs());
            if (!n) co_return Fail(n.error());
            if (!*n) co_return Fail(Error::NotFound());
            notify::LocalWakeup().Notify();  // this node's dispatcher looks at once; others at their next poll
            bj::object o;
            o["opnieuw"] = **n;
            co_return Response::Json(200, bj::serialize(o));
        }
    );
}

}  // namespace thorbecke::notificaties
