#include "core/storage/postgres.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstddef>
#include <deque>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <libpq-fe.h>
#include <openssl/ssl.h>
#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/cancellation_signal.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace thorbecke::storage {
namespace pg {

using Clock = std::chrono::steady_clock;
using ErrorCode = boost::system::error_code;

constexpr auto kConnectTimeout = std::chrono::seconds(10);
constexpr auto kIoTimeout = std::chrono::seconds(60);        // no byte from the server for this long: give up
constexpr auto kAcquireTimeout = std::chrono::seconds(30);   // longest wait in the queue for a connection
constexpr int kMaxInFlight = 32;                             // autocommit requests pipelined on one connection
constexpr std::size_t kMaxStatements = 1000;                 // prepared per connection; beyond this, unnamed
constexpr int kMaxParams = 65535;                            // protocol limit
constexpr std::int64_t kMigrationLock = 0x54686f7262656b65;  // "Thorbeke": pg_advisory_lock key for Migrate

// ------------------------------------------------------------------------------------------------
// Small helpers

struct ResultDeleter {
    void operator()(PGresult* r) const { PQclear(r); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
    void operator()(PGconn* c) const { PQfinish(c); }
};
using ConnPtr = std::unique_ptr<PGconn, ConnDeleter>;

// Notices (e.g. "relation already exists, skipping") would otherwise go to stderr.
void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

// libpq messages end in newlines and may span lines; an Error detail is one line.
std::string OneLine(const char* message) {
    std::string out = message != nullptr ? message : "";
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' '
    );
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// Data exceptions (class 22) quote the offending input ('invalid input syntax for type integer: "abc"'), and
// input may be personal data: replace every quoted part.
std::string RedactQuoted(const std::string& message) {
    std::string out;
    bool quoted = false;
    for (const char c : message) {
        if (c == '"') {
            if (!quoted) out += "\"***\"";
            quoted = !quoted;
        } else if (!quoted) {
            out += c;
        }
    }
    return out;
}

// Turns a failed result into an Error. Uses only the primary message: DETAIL lines carry row values
// ("Key (bsn)=(123456789) already exists.").
Error ErrorFromResult(const PGresult* res, bool connection_bad) {
    const char* state_field = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    const std::string state = state_field != nullptr ? state_field : "";
    std::string message = OneLine(primary != nullptr ? primary : PQresultErrorMessage(res));
    if (state.starts_with("22")) message = RedactQuoted(message);
    if (state == "23505") return Error::Conflict(std::string(kUniqueViolation), message);
    if (state == "23503") return Error::Conflict(std::string(kForeignKeyViolation), message);
    // Connection exceptions, server shutting down, or the connection dropped: try again later.
    if (connection_bad || state.starts_with("08") || state.starts_with("57P")) {
        return Error::Unavailable("De database is niet beschikbaar: " + message);
    }
    return Error::Internal("PostgreSQL: " + message + (state.empty() ? "" : " (SQLSTATE " + state + ")"));
}

Error ConnectionError(PGconn* conn, std::string_view what) {
    std::string detail(what);
    if (conn != nullptr) {
        const std::string message = OneLine(PQerrorMessage(conn));
        if (!message.empty()) detail += ": " + message;
    }
    return Error::Unavailable(std::move(detail));
}

bool IsModifying(const char* command) {
    const std::string_view tag = command != nullptr ? command : "";
    return tag.starts_with("INSERT ") || tag.starts_with("UPDATE ") || tag.starts_with("DELETE ") ||
           tag.starts_with("MERGE ");
}

Rows RowsFromResult(PGresult* res) {
    Rows out;
    const int fields = PQnfields(res);
    const int tuples = PQntuples(res);
    out.columns.reserve(static_cast<std::size_t>(fields));
    for (int f = 0; f < fields; ++f) out.columns.emplace_back(PQfname(res, f));
    out.rows.reserve(static_cast<std::size_t>(tuples));
    for (int t = 0; t < tuples; ++t) {
        auto& row = out.rows.emplace_back();
        row.reserve(static_cast<std::size_t>(fields));
        for (int f = 0; f < fields; ++f) {
            if (PQgetisnull(res, t, f) != 0) {
                row.emplace_back(std::nullopt);
            } else {
                row.emplace_back(
                    std::in_place, PQgetvalue(res, t, f), static_cast<std::size_t>(PQgetlength(res, t, f))
                );
            }
        }
    }
    // "rows changed by INSERT/UPDATE/DELETE": PQcmdTuples also counts SELECT rows, which is not meant here.
    if (IsModifying(PQcmdStatus(res))) {
        const std::string_view count = PQcmdTuples(res);
        std::from_chars(count.data(), count.data() + count.size(), out.affected);
    }
    return out;
}

// Text-format parameters for libpq. Integers are formatted into fixed buffers so the pointers stay valid.
class TextParams {
  public:
    explicit TextParams(const Params& params) : numbers_(params.size()) {
        values_.reserve(params.size());
        for (std::size_t i = 0; i < params.size(); ++i) {
            const Param& p = params[i];
            if (const auto* n = std::get_if<std::int64_t>(&p)) {
                auto& buf = numbers_[i];
                const auto r = std::to_chars(buf.data(), buf.data() + buf.size() - 1, *n);
                *r.ptr = '\0';
                values_.push_back(buf.data());
            } else if (const auto* s = std::get_if<std::string>(&p)) {
                values_.push_back(s->c_str());
            } else {
                values_.push_back(nullptr);  // SQL NULL
            }
        }
    }
    [[nodiscard]] int count() const { return static_cast<int>(values_.size()); }
    [[nodiscard]] const char* const* values() const { return values_.empty() ? nullptr : values_.data(); }

  private:
    std::vector<std::array<char, 24>> numbers_;
    std::vector<const char*> values_;
};

// Asio's own cancellation must not interrupt a wait whose outcome the connection's bookkeeping depends on:
// bind an empty cancellation slot. (A cancelled caller still unwinds at its next co_await; RAII cleans up.)
auto Uncancellable(ErrorCode& ec) {
    return asio::bind_cancellation_slot(asio::cancellation_slot(), asio::redirect_error(asio::use_awaitable, ec));
}

// ------------------------------------------------------------------------------------------------
// Connection

class Pool;
class Conn;

//! One statement on its way through a connection's pipeline; lives in the requesting coroutine's frame.
struct Request {
    explicit Request(const asio::any_io_executor& ex) : done(ex, Clock::time_point::max()) {}
    Request(const Request&) = delete;
    Request& operator=(const Request&) = delete;
    ~Request();

    void Complete() {
        completed = true;
        done.cancel();  // wakes the requester, if it is already waiting
    }

    asio::steady_timer done;
    Conn* conn = nullptr;  // set while its entries are queued
    bool completed = false;
    std::optional<Error> error;
    Rows rows;
    std::string command;  // command tag, e.g. "COMMIT" or "ROLLBACK"
};

enum class Step { kPrepare, kQuery, kSync };

//! What the next result(s) from the server belong to. Results arrive in the order commands were sent.
struct Entry {
    Step step;
    Request* request;  // null once the requester went away: its results are read and dropped
    std::string sql;   // kPrepare: the cache key, dropped from the cache if the prepare fails
    bool got_result = false;
};

class Conn : public std::enable_shared_from_this<Conn> {
  public:
    explicit Conn(const asio::any_io_executor& ex) : ex_(ex), socket_(ex), watchdog_(ex) {}
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;
    ~Conn() {
        ErrorCode ec;
        socket_.close(ec);  // our duplicate of libpq's socket; libpq closes its own in PQfinish
    }

    asio::awaitable<Status> Connect(const std::string& url);

    //! Sends one statement (preparing it on first use) and waits for its result. Other requests may be in
    //! flight on the same connection before and after it.
    asio::awaitable<Result<Rows>> Execute(std::string_view sql, const Params& params, std::string* command = nullptr);

    //! Marks the connection dead and fails everything in flight; the pool drops it.
    void Break(const Error& error);

    //! For a connection nobody uses: still open? An idle connection receives nothing, so a readable socket
    //! means the server closed it (restart, pg_terminate_backend, idle timeout); such a one is dropped.
    bool StillUsable();

    //! Nothing in flight and no transaction open: safe to hand to the next user.
    [[nodiscard]] bool Clean() const {
        return !broken_ && pending_.empty() && PQtransactionStatus(pg_.get()) == PQTRANS_IDLE;
    }

    void Orphan(const Request* request) {
        for (auto& e : pending_) {
            if (e.request == request) e.request = nullptr;
        }
    }

    [[nodiscard]] bool broken() const { return broken_; }

  private:
    friend class Pool;

    [[nodiscard]] bool Active() const { return connecting_ || !pending_.empty(); }
    bool AttachSocket();
    [[nodiscard]] bool SslPending() const;
    asio::awaitable<bool> WaitSocket(bool write);
    asio::awaitable<void> Flush();
    void StartReader();
    asio::awaitable<void> ReadLoop(std::shared_ptr<Conn> self);
    void DrainResults();
    void HandleResult(Entry& entry, PGresult* res, ExecStatusType status);
    void ArmWatchdog();
    void OnWatchdog(const ErrorCode& ec);

    asio::any_io_executor ex_;
    ConnPtr pg_;
    asio::posix::stream_descriptor socket_;  // a dup() of PQsocket(), so Asio and libpq each close their own
    ino_t socket_inode_ = 0;
    asio::steady_timer watchdog_;
    Clock::time_point deadline_{};
    bool watchdog_armed_ = false;
    bool connecting_ = false;
    bool reading_ = false;
    bool broken_ = false;
    bool timed_out_ = false;
    std::deque<Entry> pending_;
    std::unordered_map<std::string, std::string> statements_;  // SQL text -> prepared statement name
    std::uint64_t statement_seq_ = 0;

    // Pool bookkeeping; only the pool touches these, on this connection's thread.
    Pool* pool_ = nullptr;
    int users_ = 0;
    bool exclusive_ = false;
};

Request::~Request() {
    if (conn != nullptr && !completed) conn->Orphan(this);
}

bool Conn::AttachSocket() {
    const int fd = PQsocket(pg_.get());
    if (fd < 0) return false;
    // libpq may switch sockets while connecting (next address, SSL fallback), possibly reusing the number.
    struct stat st {};
    if (::fstat(fd, &st) != 0) return false;
    if (socket_.is_open() && st.st_ino == socket_inode_) return true;
    ErrorCode ec;
    socket_.close(ec);
    const int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (copy < 0) return false;
    socket_.assign(copy, ec);
    if (ec) {
        ::close(copy);
        return false;
    }
    socket_inode_ = st.st_ino;
    return true;
}

bool Conn::SslPending() const {
    if (PQsslInUse(pg_.get()) == 0) return false;
    const auto* ssl = static_cast<const SSL*>(PQsslStruct(pg_.get(), "OpenSSL"));
    return ssl != nullptr && SSL_pending(ssl) > 0;
}

asio::awaitable<bool> Conn::WaitSocket(bool write) {
    if (broken_ || timed_out_) co_return false;
    // Asio's epoll reactor is edge-triggered and libpq does not always read the socket dry (nor does OpenSSL):
    // wait only when a level-triggered check says there is nothing to do right now.
    if (!write && SslPending()) co_return true;
    pollfd p{socket_.native_handle(), static_cast<short>(write ? POLLOUT : POLLIN), 0};
    if (::poll(&p, 1, 0) > 0) co_return true;
    ErrorCode ec;
    co_await socket_.async_wait(
        write ? asio::posix::stream_descriptor::wait_write : asio::posix::stream_descriptor::wait_read,
        Uncancellable(ec)
    );
    co_return !ec && !broken_ && !timed_out_;
}

void Conn::ArmWatchdog() {
    if (watchdog_armed_) return;
    watchdog_armed_ = true;
    watchdog_.expires_at(deadline_);
    watchdog_.async_wait([weak = weak_from_this()](const ErrorCode& ec) {
        if (auto self = weak.lock()) self->OnWatchdog(ec);
    });
}

void Conn::OnWatchdog(const ErrorCode& ec) {
    watchdog_armed_ = false;
    if (broken_ || !Active()) return;
    if (!ec && Clock::now() >= deadline_) {
        timed_out_ = true;
        Break(Error::Unavailable(
            connecting_ ? "De database reageert niet (verbinden duurt te lang)." : "De database reageert niet meer."
        ));
        return;
    }
    ArmWatchdog();  // progress was made, or the timer was cancelled while work was queued again
}

asio::awaitable<Status> Conn::Connect(const std::string& url) {
    // connect_timeout in the URL only works for blocking connects; the watchdog takes its place here.
    pg_.reset(PQconnectStart(url.c_str()));
    if (!pg_ || PQstatus(pg_.get()) == CONNECTION_BAD) {
        broken_ = true;
        co_return Fail(ConnectionError(pg_.get(), "Verbinden met de database mislukt"));
    }
    PQsetNoticeProcessor(pg_.get(), IgnoreNotice, nullptr);
    connecting_ = true;
    deadline_ = Clock::now() + kConnectTimeout;
    ArmWatchdog();
    Status result;
    PostgresPollingStatusType state = PGRES_POLLING_WRITING;  // as the libpq manual prescribes for the start
    for (;;) {
        if (state == PGRES_POLLING_FAILED || !AttachSocket()) {
            result = Fail(ConnectionError(pg_.get(), "Verbinden met de database mislukt"));
            break;
        }
        if (state == PGRES_POLLING_OK) break;
        if (!co_await WaitSocket(state == PGRES_POLLING_WRITING)) {
            result = Fail(
                timed_out_ ? Error::Unavailable("Verbinden met de database duurt te lang.")
                           : ConnectionError(pg_.get(), "Verbinden met de database mislukt")
            );
            break;
        }
        state = PQconnectPoll(pg_.get());
    }
    connecting_ = false;
    watchdog_.cancel();
    if (result && (PQsetnonblocking(pg_.get(), 1) != 0 || PQenterPipelineMode(pg_.get()) != 1)) {
        result = Fail(ConnectionError(pg_.get(), "Databaseverbinding instellen mislukt"));
    }
    if (!result) broken_ = true;
    co_return result;
}

asio::awaitable<Result<Rows>> Conn::Execute(std::string_view sql, const Params& params, std::string* command) {
    if (broken_) co_return Fail(Error::Unavailable("De databaseverbinding is verbroken."));
    if (params.size() > static_cast<std::size_t>(kMaxParams)) {
        co_return Fail(Error::Internal("Te veel parameters voor één SQL-opdracht."));
    }
    const auto self = shared_from_this();  // Break() may drop the pool's reference while we wait
    Request req(co_await asio::this_coro::executor);
    const TextParams values(params);
    std::string text(sql);
    PGconn* pg = pg_.get();

    // Queue [prepare] + execute + sync. One sync per request: an error aborts only this request's commands.
    bool ok = true;
    const char* name = nullptr;
    if (const auto it = statements_.find(text); it != statements_.end()) {
        name = it->second.c_str();
    } else if (statements_.size() < kMaxStatements) {
        std::string new_name = "t" + std::to_string(++statement_seq_);
        ok = PQsendPrepare(pg, new_name.c_str(), text.c_str(), 0, nullptr) == 1;
        if (ok) {
            name = statements_.emplace(text, std::move(new_name)).first->second.c_str();
            pending_.push_back(Entry{Step::kPrepare, &req, text});
        }
    }
    if (ok) {
        ok = (name != nullptr
                  ? PQsendQueryPrepared(pg, name, values.count(), values.values(), nullptr, nullptr, 0)
                  : PQsendQueryParams(pg, text.c_str(), values.count(), nullptr, values.values(), nullptr, nullptr, 0)
             ) == 1;
    }
    if (ok) {
        pending_.push_back(Entry{Step::kQuery, &req, {}});
        ok = PQpipelineSync(pg) == 1;
    }
    if (ok) pending_.push_back(Entry{Step::kSync, &req, {}});
    req.conn = this;
    if (!ok) {
        // Part of a request may be in libpq's queue: the pipeline can no longer be kept in step.
        const Error error = ConnectionError(pg, "Versturen naar de database mislukt");
        Break(error);
        if (!req.completed) {  // nothing of it was queued, so Break() did not see it
            req.error = error;
            req.completed = true;
        }
    } else {
        StartReader();
        co_await Flush();
    }
    while (!req.completed) {
        ErrorCode ec;
        co_await req.done.async_wait(Uncancellable(ec));
    }
    if (req.error) co_return Fail(std::move(*req.error));
    if (command != nullptr) *command = std::move(req.command);
    co_return std::move(req.rows);
}

asio::awaitable<void> Conn::Flush() {
    // Several requesters may flush at once; each loops until libpq's buffer is empty. Reading goes on in
    // ReadLoop meanwhile, so a server blocked on writing its results cannot deadlock us.
    while (!broken_) {
        const int r = PQflush(pg_.get());
        if (r == 0) co_return;
        if (r < 0) {
            Break(ConnectionError(pg_.get(), "Versturen naar de database mislukt"));
            co_return;
        }
        if (!co_await WaitSocket(true)) {
            Break(
                timed_out_ ? Error::Unavailable("De database reageert niet meer.")
                           : ConnectionError(pg_.get(), "Versturen naar de database mislukt")
            );
            co_return;
        }
    }
}

void Conn::StartReader() {
    deadline_ = Clock::now() + kIoTimeout;
    ArmWatchdog();
    if (reading_) return;
    reading_ = true;
    asio::co_spawn(ex_, ReadLoop(shared_from_this()), asio::detached);
}

asio::awaitable<void> Conn::ReadLoop(std::shared_ptr<Conn> self) {
    // `self` keeps the connection alive while results are outstanding.
    try {
        while (!broken_ && !pending_.empty()) {
            if (PQconsumeInput(pg_.get()) == 0) {
                Break(ConnectionError(pg_.get(), "Databaseverbinding verbroken"));
                break;
            }
            DrainResults();
            if (broken_ || pending_.empty()) break;
            if (!co_await WaitSocket(false)) {
                Break(
                    timed_out_ ? Error::Unavailable("De database reageert niet meer.")
                               : ConnectionError(pg_.get(), "Databaseverbinding verbroken")
                );
                break;
            }
            deadline_ = Clock::now() + kIoTimeout;
        }
    } catch (const std::exception& e) {
        Break(Error::Internal(std::string("Fout bij het lezen van databaseresultaten: ") + e.what()));
    }
    reading_ = false;
    if (!broken_ && watchdog_armed_) watchdog_.cancel();  // idle: release the io_context's outstanding work
    (void)self;
}

void Conn::DrainResults() {
    PGconn* pg = pg_.get();
    // PQgetResult blocks when PQisBusy, even on a non-blocking connection: only call it when not busy.
    while (!broken_ && !pending_.empty() && PQisBusy(pg) == 0) {
        Entry& front = pending_.front();
        ResultPtr res(PQgetResult(pg));
        if (!res) {
            // A null ends the results of one command; a sync has no null after it.
            if (front.step != Step::kSync && front.got_result) {
                pending_.pop_front();
                continue;
            }
            Break(Error::Internal("PostgreSQL: onverwacht einde van een resultaat."));
            return;
        }
        deadline_ = Clock::now() + kIoTimeout;
        const ExecStatusType status = PQresultStatus(res.get());
        if (status == PGRES_PIPELINE_SYNC) {
            if (front.step != Step::kSync) {
                Break(Error::Internal("PostgreSQL: resultaten lopen niet meer in de pas."));
                return;
            }
            Request* req = front.request;
            pending_.pop_front();
            if (req != nullptr) req->Complete();
            continue;
        }
        if (front.step == Step::kSync || front.got_result) {
            Break(Error::Internal("PostgreSQL: resultaten lopen niet meer in de pas."));
            return;
        }
        front.got_result = true;
        HandleResult(front, res.get(), status);
    }
}

void Conn::HandleResult(Entry& entry, PGresult* res, ExecStatusType status) {
    Request* req = entry.request;
    const bool failed = status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE;
    if (entry.step == Step::kPrepare) {
        if (status == PGRES_COMMAND_OK) return;
        statements_.erase(entry.sql);  // not prepared after all: prepare again next time
        if (req != nullptr && failed && !req->error) {
            req->error = ErrorFromResult(res, PQstatus(pg_.get()) == CONNECTION_BAD);
        }
        return;
    }
    if (req == nullptr) return;
    switch (status) {
        case PGRES_TUPLES_OK:
        case PGRES_COMMAND_OK:
            req->rows = RowsFromResult(res);
            req->command = PQcmdStatus(res);
            break;
        case PGRES_EMPTY_QUERY:
            break;
        case PGRES_PIPELINE_ABORTED:  // its prepare failed; that error is already recorded
            if (!req->error) req->error = Error::Internal("PostgreSQL: opdracht niet uitgevoerd.");
            break;
        default:
            if (!req->error) req->error = ErrorFromResult(res, PQstatus(pg_.get()) == CONNECTION_BAD);
            break;
    }
}

bool Conn::StillUsable() {
    if (broken_) return false;
    if (PQstatus(pg_.get()) != CONNECTION_OK) {
        Break(ConnectionError(pg_.get(), "Databaseverbinding verbroken"));
        return false;
    }
    if (!pending_.empty()) return true;  // abandoned requests still draining: ReadLoop watches the socket
    pollfd p{socket_.native_handle(), POLLIN, 0};
    if (::poll(&p, 1, 0) != 0 || SslPending()) {
        Break(Error::Unavailable("De database heeft de verbinding gesloten."));
        return false;
    }
    return true;
}

// ------------------------------------------------------------------------------------------------
// Pool: the connections of one io_context. Used only on that context's thread, except Close().

struct PoolConfig {
    std::string url;
    int per_thread = 2;
    int max_waiting = 1024;
};

struct PoolCounters {
    std::atomic<std::int64_t> connections{0};
    std::atomic<std::int64_t> busy{0};
    std::atomic<std::int64_t> waiting{0};
};

class ContextHook;

//! A connection handed to one request (shared, pipelined) or one transaction (exclusive).
class Lease {
  public:
    Lease(std::shared_ptr<Pool> pool, std::shared_ptr<Conn> conn, bool exclusive)
        : pool_(std::move(pool)), conn_(std::move(conn)), exclusive_(exclusive) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease();

    [[nodiscard]] Conn& conn() const { return *conn_; }

  private:
    std::shared_ptr<Pool> pool_;
    std::shared_ptr<Conn> conn_;
    bool exclusive_;
};

class Pool : public std::enable_shared_from_this<Pool> {
  public:
    Pool(asio::any_io_executor ex, std::shared_ptr<const PoolConfig> config, std::shared_ptr<PoolCounters> counters)
        : ex_(std::move(ex)), config_(std::move(config)), counters_(std::move(counters)) {}
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    ~Pool() { Close(); }

    asio::awaitable<Result<Lease>> Acquire(bool exclusive);
    void Release(const std::shared_ptr<Conn>& conn, bool exclusive);
    void OnBroken(Conn& conn);
    //! Closes idle connections, wakes waiters, refuses new requests. Busy connections close when released.
    void Close();

    // Registration with the io_context's ContextHook; guarded by RegistryMutex().
    std::atomic<bool> context_gone{false};
    ContextHook* hook = nullptr;

  private:
    struct Waiter {
        Waiter(Pool& p, const asio::any_io_executor& ex, bool excl) : pool(p), timer(ex), exclusive(excl) {}
        Waiter(const Waiter&) = delete;
        Waiter& operator=(const Waiter&) = delete;
        ~Waiter() { pool.Forget(*this); }

        Pool& pool;
        asio::steady_timer timer;
        bool exclusive;
        bool queued = false;
        bool woken = false;
        bool may_open = false;            // woken to open a new connection (a slot is reserved)
        std::shared_ptr<Conn> granted{};  // woken with this connection
        std::optional<Error> failure{};   // woken to give up: the server cannot be reached
    };

    std::shared_ptr<Conn> Pick(bool exclusive);
    [[nodiscard]] bool CanOpen() const { return static_cast<int>(conns_.size()) + opening_ < config_->per_thread; }
    void Take(Conn& conn, bool exclusive);
    void Dispatch();
    void FailWaiters(const Error& error);
    void Forget(Waiter& waiter);
    asio::awaitable<Result<Lease>> Open(bool exclusive);

    asio::any_io_executor ex_;
    std::shared_ptr<const PoolConfig> config_;
    std::shared_ptr<PoolCounters> counters_;
    std::vector<std::shared_ptr<Conn>> conns_;
    std::deque<Waiter*> waiters_;
    int opening_ = 0;  // connections being opened, each on behalf of one request
    bool closed_ = false;
    bool dispatching_ = false;
};

Lease::~Lease() {
    if (conn_) pool_->Release(conn_, exclusive_);
}

void Conn::Break(const Error& error) {
    if (broken_) return;
    broken_ = true;
    const auto self = weak_from_this().lock();  // the pool may hold the last other reference
    auto pending = std::move(pending_);
    pending_.clear();
    for (const Entry& e : pending) {
        if (e.request != nullptr && !e.request->completed) {
            if (!e.request->error) e.request->error = error;
            e.request->Complete();
        }
    }
    ErrorCode ec;
    socket_.cancel(ec);  // wakes ReadLoop and flushers; they see broken_
    watchdog_.cancel();
    if (pool_ != nullptr) pool_->OnBroken(*this);
}

std::shared_ptr<Conn> Pool::Pick(bool exclusive) {
    std::shared_ptr<Conn> least_loaded;
    for (std::size_t i = 0; i < conns_.size();) {
        std::shared_ptr<Conn> c = conns_[i];  // a copy: StillUsable() may drop the pool's reference
        if (c->users_ == 0 && !c->exclusive_) {
            if (c->StillUsable()) return c;
            if (i < conns_.size() && conns_[i] == c) ++i;
            continue;
        }
        if (!exclusive && !c->exclusive_ && c->users_ < kMaxInFlight &&
            (!least_loaded || c->users_ < least_loaded->users_)) {
            least_loaded = c;
        }
        ++i;
    }
    // Share a busy connection only when no new one may be opened: a fresh connection has no queue.
    if (least_loaded && !CanOpen()) return least_loaded;
    return nullptr;
}

void Pool::Take(Conn& conn, bool exclusive) {
    if (conn.users_++ == 0) ++counters_->busy;
    if (exclusive) conn.exclusive_ = true;
}

void Pool::Release(const std::shared_ptr<Conn>& conn, bool exclusive) {
    if (exclusive) conn->exclusive_ = false;
    if (--conn->users_ == 0) --counters_->busy;
    if (closed_) return;
    // A transaction abandoned half-way (exception during ROLLBACK, cancelled caller) leaves the session in a
    // transaction or with results in flight: never give that to the next user.
    if (exclusive && !conn->broken() && !conn->Clean()) {
        conn->Break(Error::Internal("Transactie niet afgesloten; verbinding gesloten."));
        return;  // Break -> OnBroken -> Dispatch
    }
    Dispatch();
}

void Pool::OnBroken(Conn& conn) {
    conn.pool_ = nullptr;
    const auto it = std::find_if(conns_.begin(), conns_.end(), [&](const auto& c) { return c.get() == &conn; });
    if (it != conns_.end()) {
        conns_.erase(it);
        --counters_->connections;
    }
    Dispatch();  // a slot to open a new connection is free now
}

void Pool::Dispatch() {
    if (dispatching_) return;  // re-entered through Pick -> Break -> OnBroken; the outer loop carries on
    dispatching_ = true;
    while (!closed_ && !waiters_.empty()) {
        Waiter& w = *waiters_.front();
        if (auto c = Pick(w.exclusive)) {
            Take(*c, w.exclusive);
            w.granted = std::move(c);
        } else if (CanOpen()) {
            ++opening_;
            w.may_open = true;
        } else {
            break;  // strictly first come, first served: a waiting transaction is not overtaken
        }
        waiters_.pop_front();
        w.queued = false;
        --counters_->waiting;
        w.woken = true;
        w.timer.cancel();
    }
    dispatching_ = false;
}

void Pool::FailWaiters(const Error& error) {
    for (Waiter* w : waiters_) {
        w->queued = false;
        --counters_->waiting;
        w->failure = error;
        w->woken = true;
        w->timer.cancel();
    }
    waiters_.clear();
}

void Pool::Forget(Waiter& w) {
    if (w.queued) {
        waiters_.erase(std::find(waiters_.begin(), waiters_.end(), &w));
        w.queued = false;
        --counters_->waiting;
    }
    if (w.granted) {
        const auto c = std::move(w.granted);
        w.granted = nullptr;
        Release(c, w.exclusive);
    }
    if (w.may_open) {
        w.may_open = false;
        --opening_;
        if (!closed_) Dispatch();
    }
}

asio::awaitable<Result<Lease>> Pool::Acquire(bool exclusive) {
    if (closed_) co_return Fail(Error::Unavailable("De database wordt afgesloten."));
    if (waiters_.empty()) {
        if (auto c = Pick(exclusive)) {
            Take(*c, exclusive);
            co_return Lease(shared_from_this(), std::move(c), exclusive);
        }
        if (CanOpen()) {
            ++opening_;
            co_return co_await Open(exclusive);
        }
    }
    if (static_cast<int>(waiters_.size()) >= config_->max_waiting) {
        co_return Fail(Error::Unavailable("Alle databaseverbindingen zijn bezet; probeer het later opnieuw."));
    }
    Waiter w(*this, co_await asio::this_coro::executor, exclusive);
    w.timer.expires_after(kAcquireTimeout);
    waiters_.push_back(&w);
    w.queued = true;
    ++counters_->waiting;
    ErrorCode ec;
    co_await w.timer.async_wait(Uncancellable(ec));  // Dispatch() cancels it to wake us
    if (closed_) co_return Fail(Error::Unavailable("De database wordt afgesloten."));
    if (w.failure) co_return Fail(std::move(*w.failure));
    if (w.granted) {
        auto c = std::move(w.granted);
        w.granted = nullptr;
        co_return Lease(shared_from_this(), std::move(c), exclusive);
    }
    if (w.may_open) {
        w.may_open = false;  // Open() now owns the reserved slot
        co_return co_await Open(exclusive);
    }
    co_return Fail(Error::Unavailable("Geen databaseverbinding vrijgekomen; probeer het later opnieuw."));
}

asio::awaitable<Result<Lease>> Pool::Open(bool exclusive) {
    // The caller reserved a slot in opening_; give it back however this ends.
    struct SlotGuard {
        Pool& pool;
        ~SlotGuard() { --pool.opening_; }
    };
    auto conn = std::make_shared<Conn>(ex_);
    Status connected;
    {
        SlotGuard guard{*this};
        connected = co_await conn->Connect(config_->url);
    }
    if (closed_) co_return Fail(Error::Unavailable("De database wordt afgesloten."));
    if (!connected) {
        // With no connection left to serve them, the queue would only wait for more failing connects
        // (each up to kConnectTimeout against an unreachable host): answer them now.
        if (conns_.empty()) {
            FailWaiters(connected.error());
        } else {
            Dispatch();
        }
        co_return Fail(std::move(connected.error()));
    }
    conn->pool_ = this;
    conns_.push_back(conn);
    ++counters_->connections;
    Take(*conn, exclusive);
    Dispatch();  // queued requests may share the new connection
    co_return Lease(shared_from_this(), std::move(conn), exclusive);
}

void Pool::Close() {
    if (closed_) return;
    closed_ = true;
    for (auto& c : conns_) c->pool_ = nullptr;
    counters_->connections -= static_cast<std::int64_t>(conns_.size());
    auto conns = std::move(conns_);
    conns_.clear();
    conns.clear();  // idle ones close now; busy ones when their last holder lets go
    for (Waiter* w : waiters_) {
        w->queued = false;
        --counters_->waiting;
        w->woken = true;
        w->timer.cancel();
    }
    waiters_.clear();
}

// ------------------------------------------------------------------------------------------------
// ContextHook: closes a context's pools when that io_context shuts down, so connection sockets (registered
// with its reactor) never outlive it, whichever of database and io_context is destroyed first.

std::mutex& RegistryMutex() {
    static std::mutex mutex;
    return mutex;
}

class ContextHook final : public asio::execution_context::service {
  public:
    static asio::execution_context::id id;

    explicit ContextHook(asio::execution_context& ctx) : asio::execution_context::service(ctx) {}

    // Called with RegistryMutex() held.
    void Add(Pool* pool) { pools_.push_back(pool); }
    void Remove(Pool* pool) { std::erase(pools_, pool); }

  private:
    void shutdown() override {
        const std::lock_guard lock(RegistryMutex());
        for (Pool* pool : pools_) {
            pool->context_gone = true;
            pool->hook = nullptr;
            pool->Close();
        }
        pools_.clear();
    }

    std::vector<Pool*> pools_;
};

asio::execution_context::id ContextHook::id;

//! Session of a transaction: every statement on the transaction's own connection.
class TxSession final : public Session {
  public:
    explicit TxSession(Conn& conn) : conn_(conn) {}
    asio::awaitable<Result<Rows>> Query(std::string_view sql, Params params) override {
        co_return co_await conn_.Execute(sql, params);
    }

  private:
    Conn& conn_;
};

// Blocking connection for start-up work. connect_timeout comes first so one in the URL overrides it.
ConnPtr ConnectBlocking(const std::string& url) {
    const std::array<const char*, 3> keys{"connect_timeout", "dbname", nullptr};
    const std::array<const char*, 3> values{"10", url.c_str(), nullptr};
    ConnPtr conn(PQconnectdbParams(keys.data(), values.data(), 1));
    if (conn) PQsetNoticeProcessor(conn.get(), IgnoreNotice, nullptr);
    return conn;
}

Status ExecBlocking(PGconn* conn, const char* sql, const Params& params = {}) {
    const TextParams values(params);
    ResultPtr res(PQexecParams(conn, sql, values.count(), nullptr, values.values(), nullptr, nullptr, 0));
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return {};
    if (!res) return Fail(ConnectionError(conn, "Databaseopdracht mislukt"));
    return Fail(ErrorFromResult(res.get(), PQstatus(conn) == CONNECTION_BAD));
}

// Several statements in one string: only the simple protocol (PQexec) takes those.
Status ExecScript(PGconn* conn, const std::string& sql) {
    ResultPtr res(PQexec(conn, sql.c_str()));
    const ExecStatusType status = res ? PQresultStatus(res.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) return {};
    if (!res) return Fail(ConnectionError(conn, "Databaseopdracht mislukt"));
    return Fail(ErrorFromResult(res.get(), PQstatus(conn) == CONNECTION_BAD));
}

}  // namespace pg

// ------------------------------------------------------------------------------------------------
// PostgresDatabase

PostgresDatabase::PostgresDatabase(Options options)
    : options_(std::move(options)), counters_(std::make_shared<pg::PoolCounters>()) {}

PostgresDatabase::~PostgresDatabase() {
    const std::lock_guard lock(pg::RegistryMutex());
    for (auto& [ctx, pool] : pools_) {
        if (pool->hook != nullptr) {
            pool->hook->Remove(pool.get());
            pool->hook = nullptr;
        }
        pool->Close();
    }
}

std::shared_ptr<pg::Pool> PostgresDatabase::PoolFor(const asio::any_io_executor& ex) {
    asio::execution_context& ctx = asio::query(ex, asio::execution::context);
    const std::lock_guard lock(mutex_);
    auto& slot = pools_[&ctx];
    // A pool whose io_context is gone may sit under the same address as a new io_context: replace it.
    if (slot && !slot->context_gone) return slot;
    auto config = std::make_shared<pg::PoolConfig>();
    config->url = options_.url;
    config->per_thread = options_.connections_per_thread;
    config->max_waiting = options_.max_waiting;
    auto pool = std::make_shared<pg::Pool>(ex, std::move(config), counters_);
    {
        const std::lock_guard registry_lock(pg::RegistryMutex());
        auto& hook = asio::use_service<pg::ContextHook>(ctx);
        hook.Add(pool.get());
        pool->hook = &hook;
    }
    slot = pool;
    return pool;
}

asio::awaitable<Result<Rows>> PostgresDatabase::Query(std::string_view sql, Params params) {
    const auto pool = PoolFor(co_await asio::this_coro::executor);
    auto lease = co_await pool->Acquire(false);
    if (!lease) co_return Fail(std::move(lease.error()));
    co_return co_await lease->conn().Execute(sql, params);
}

asio::awaitable<Status> PostgresDatabase::Read(TxFn fn) {
    // Autocommit statements keep the pipelined connections shared; no connection is held for the request.
    AutocommitSession session(*this);
    co_return co_await fn(session);
}

asio::awaitable<Status> PostgresDatabase::Transaction(TxFn fn) {
    const auto pool = PoolFor(co_await asio::this_coro::executor);
    auto lease = co_await pool->Acquire(true);
    if (!lease) co_return Fail(std::move(lease.error()));
    pg::Conn& conn = lease->conn();
    if (auto begin = co_await conn.Execute("BEGIN", {}); !begin) co_return Fail(std::move(begin.error()));

    pg::TxSession session(conn);
    Status status;
    std::exception_ptr exception;
    try {
        status = co_await fn(session);
    } catch (...) {
        exception = std::current_exception();  // no co_await inside a handler: roll back below
    }
    if (!exception && status) {
        std::string tag;
        auto commit = co_await conn.Execute("COMMIT", {}, &tag);
        if (!commit) co_return Fail(std::move(commit.error()));
        // COMMIT of a transaction in which a statement failed (and fn ignored that) rolls back instead.
        if (tag == "ROLLBACK") {
            co_return Fail(Error::Internal("De transactie is teruggedraaid: een opdracht erin is mislukt."));
        }
        for (auto& callback : session.TakeAfterCommit()) callback();
        co_return Status{};
    }
    // If ROLLBACK fails the connection is not clean and the pool drops it on release; nothing is committed.
    (void)co_await conn.Execute("ROLLBACK", {});
    if (exception) std::rethrow_exception(exception);
    co_return status;
}

Status PostgresDatabase::Migrate(const std::vector<Migration>& migrations) {
    const pg::ConnPtr conn = pg::ConnectBlocking(options_.url);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        return Fail(pg::ConnectionError(conn.get(), "Verbinden met de database mislukt"));
    }
    PGconn* c = conn.get();
    // Nodes starting together: the first migrates, the others wait here and then find nothing to do.
    // A session lock: released when the connection closes, also on failure.
    if (auto s = pg::ExecBlocking(c, "SELECT pg_advisory_lock($1)", {pg::kMigrationLock}); !s) return s;
    if (auto s = pg::ExecBlocking(
            c, "CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        );
        !s) {
        return s;
    }
    std::set<std::string, std::less<>> applied;
    {
        pg::ResultPtr res(PQexec(c, "SELECT id FROM schema_migrations"));
        if (!res || PQresultStatus(res.get()) != PGRES_TUPLES_OK) {
            return Fail(
                res ? pg::ErrorFromResult(res.get(), PQstatus(c) == CONNECTION_BAD)
                    : pg::ConnectionError(c, "Databaseopdracht mislukt")
            );
        }
        for (int i = 0; i < PQntuples(res.get()); ++i) applied.emplace(PQgetvalue(res.get(), i, 0));
    }
    for (const Migration& m : migrations) {
        if (applied.contains(m.id)) continue;
        Status s = pg::ExecBlocking(c, "BEGIN");
        if (s) s = pg::ExecScript(c, m.postgres_sql);
        if (s) {
            s = pg::ExecBlocking(
                c,
                "INSERT INTO schema_migrations (id, applied_at) "
                "VALUES ($1, to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'))",
                {m.id}
            );
        }
        if (s) s = pg::ExecBlocking(c, "COMMIT");
        if (!s) {
            (void)pg::ExecBlocking(c, "ROLLBACK");
            Error e = std::move(s.error());
            e.detail = "Migratie " + m.id + " mislukt: " + e.detail;
            return Fail(std::move(e));
        }
        applied.insert(m.id);
    }
    return pg::ExecBlocking(c, "SELECT pg_advisory_unlock($1)", {pg::kMigrationLock});
}

PoolStats PostgresDatabase::Stats() const {
    return PoolStats{counters_->connections.load(), counters_->busy.load(), counters_->waiting.load()};
}

Result<std::unique_ptr<Database>> OpenPostgres(const Options& options) {
    if (options.connections_per_thread < 1 || options.max_waiting < 0) {
        return Fail(Error::Internal("Ongeldige instellingen: connections_per_thread >= 1 en max_waiting >= 0."));
    }
    char* parse_error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(options.url.c_str(), &parse_error);
    if (parsed == nullptr) {
        std::string message = pg::OneLine(parse_error);
        PQfreemem(parse_error);
        return Fail(Error::Internal("Ongeldige PostgreSQL-URL: " + message));
    }
    PQconninfoFree(parsed);
    const pg::ConnPtr conn = pg::ConnectBlocking(options.url);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        return Fail(pg::ConnectionError(conn.get(), "PostgreSQL is niet bereikbaar"));
    }
    return std::unique_ptr<Database>(std::make_unique<PostgresDatabase>(options));
}

}  // namespace thorbecke::storage
