// Sessions: the cookie holds 32 random bytes; the table keeps only their SHA-256, so a copy of the database
// signs nobody in. A session without an account only carries a CSRF token (the sign-in form's).
#include <openssl/crypto.h>

#include <chrono>

#include <fmt/format.h>

#include "core/log.h"
#include "web/internal.h"
#include "web/web.h"

namespace thorbecke::web {

namespace {

std::int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string SetCookie(const Context& ctx, std::string_view value, std::int64_t max_age) {
    return fmt::format(
        "{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}",
        CookieName(ctx.secure),
        value,
        max_age,
        ctx.secure ? "; Secure" : ""
    );
}

}  // namespace

std::string_view CookieName(bool secure) {
    return secure ? "__Host-thorbecke_sessie" : "thorbecke_sessie";
}

std::string_view CookieValue(std::string_view header, std::string_view name) {
    while (!header.empty()) {
        auto semi = header.find(';');
        std::string_view part = header.substr(0, semi);
        header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        auto eq = part.find('=');
        if (eq == std::string_view::npos) continue;
        if (part.substr(0, eq) == name) {
            std::string_view value = part.substr(eq + 1);
            while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
            return value;
        }
    }
    return {};
}

SessionStore::SessionStore(storage::Database& db, accounts::AccountStore& accounts, SessionOptions options)
    : db_(db), accounts_(accounts), options_(options) {}

std::vector<storage::Migration> SessionStore::Migrations() {
    const char* sql = R"sql(
CREATE TABLE web_sessions (
    session_key TEXT PRIMARY KEY,
    account_id BIGINT,
    csrf TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    message TEXT NOT NULL DEFAULT ''
);
CREATE INDEX web_sessions_account ON web_sessions(account_id);
CREATE INDEX web_sessions_last_seen ON web_sessions(last_seen);
)sql";
    return {storage::Migration{"0801_web_sessions", sql, sql}};
}

asio::awaitable<Result<Context>> SessionStore::Begin(const http::Request& request) {
    Context ctx;
    ctx.request = &request;
    ctx.sessions = this;
    ctx.base_url = request.base_url;
    ctx.secure = request.base_url.starts_with("https://");
    ctx.path = request.target.empty() ? request.path : request.target;
    std::string_view cookie = CookieValue(request.Header("cookie"), CookieName(ctx.secure));
    if (cookie.empty() || cookie.size() > 100) co_return ctx;  // no session: no database access

    std::string key = accounts::Sha256Hex(cookie);
    auto rows = co_await db_.Query(
        "SELECT s.account_id, s.csrf, s.created_at, s.last_seen, s.message, a.id, a.username, a.display_name, "
        "a.organisation, a.roles FROM web_sessions s LEFT JOIN staff_accounts a ON a.id = s.account_id "
        "WHERE s.session_key = $1",
        storage::MakeParams(key)
    );
    if (!rows) co_return Fail(rows.error());
    std::int64_t now = NowSeconds();
    auto expire = [&]() { ctx.set_cookies.push_back(SetCookie(ctx, "", 0)); };
    if (rows->empty()) {
        expire();
        co_return ctx;
    }
    std::int64_t created = rows->Int(0, 2);
    std::int64_t last_seen = rows->Int(0, 3);
    bool had_account = !rows->IsNull(0, 0);
    bool account_gone = had_account && rows->IsNull(0, 5);
    if (now - last_seen > options_.idle.count() || now - created > options_.absolute.count() || account_gone) {
        auto gone = co_await db_.Query("DELETE FROM web_sessions WHERE session_key = $1", storage::MakeParams(key));
        if (!gone) co_return Fail(gone.error());
        expire();
        co_return ctx;
    }
    ctx.session_key = key;
    ctx.csrf = rows->Text(0, 1);
    ctx.message = rows->Text(0, 4);
    if (had_account) {
        accounts::Account a;
        a.id = rows->Int(0, 5);
        a.username = rows->Text(0, 6);
        a.display_name = rows->Text(0, 7);
        a.organisation = rows->Text(0, 8);
        std::string_view roles = rows->Text(0, 9);
        while (!roles.empty()) {
            auto comma = roles.find(',');
            if (comma != 0) a.roles.emplace(roles.substr(0, comma));
            if (comma == std::string_view::npos) break;
            roles.remove_prefix(comma + 1);
        }
        ctx.account = std::move(a);
    }
    // last_seen is written at most every minute (or quarter of the idle time): not one write per page view.
    std::int64_t step = std::min<std::int64_t>(60, std::max<std::int64_t>(1, options_.idle.count() / 4));
    if (now - last_seen >= step || !ctx.message.empty()) {
        auto touched = co_await db_.Query(
            "UPDATE web_sessions SET last_seen = $1, message = '' WHERE session_key = $2", storage::MakeParams(now, key)
        );
        if (!touched) co_return Fail(touched.error());
    }
    co_return ctx;
}

asio::awaitable<Status> SessionStore::EnsureSession(Context& ctx) {
    if (!ctx.session_key.empty()) co_return Status{};
    std::string value = accounts::RandomToken();
    std::string key = accounts::Sha256Hex(value);
    std::string csrf = accounts::RandomToken();
    std::int64_t now = NowSeconds();
    // Expired sessions go when new ones come: the table stays as small as the number of live sessions.
    auto swept = co_await db_.Query(
        "DELETE FROM web_sessions WHERE last_seen < $1 OR created_at < $2",
        storage::MakeParams(now - options_.idle.count(), now - options_.absolute.count())
    );
    if (!swept) co_return Fail(swept.error());
    auto rows = co_await db_.Query(
        "INSERT INTO web_sessions (session_key, account_id, csrf, created_at, last_seen) VALUES ($1, NULL, $2, $3, $3)",
        storage::MakeParams(key, csrf, now)
    );
    if (!rows) co_return Fail(rows.error());
    ctx.session_key = std::move(key);
    ctx.csrf = std::move(csrf);
    ctx.set_cookies.clear();
    ctx.set_cookies.push_back(SetCookie(ctx, value, options_.absolute.count()));
    co_return Status{};
}

asio::awaitable<Status> SessionStore::SignIn(Context& ctx, const accounts::Account& account) {
    // A new session id at sign-in: an id planted before (session fixation) never becomes a signed-in one.
    if (!ctx.session_key.empty()) {
        auto old =
            co_await db_.Query("DELETE FROM web_sessions WHERE session_key = $1", storage::MakeParams(ctx.session_key));
        if (!old) co_return Fail(old.error());
        ctx.session_key.clear();
    }
    auto created = co_await EnsureSession(ctx);
    if (!created) co_return created;
    auto rows = co_await db_.Query(
        "UPDATE web_sessions SET account_id = $1 WHERE session_key = $2",
        storage::MakeParams(account.id, ctx.session_key)
    );
    if (!rows) co_return Fail(rows.error());
    ctx.account = account;
    log::Info("staff sign-in", {{"account", std::to_string(account.id)}});
    co_return Status{};
}

asio::awaitable<Status> SessionStore::SignOut(Context& ctx) {
    if (!ctx.session_key.empty()) {
        auto rows =
            co_await db_.Query("DELETE FROM web_sessions WHERE session_key = $1", storage::MakeParams(ctx.session_key));
        if (!rows) co_return Fail(rows.error());
    }
    ctx.session_key.clear();
    ctx.csrf.clear();
    ctx.account.reset();
    ctx.set_cookies.clear();
    ctx.set_cookies.push_back(SetCookie(ctx, "", 0));
    co_return Status{};
}

asio::awaitable<Status> SessionStore::SetMessage(Context& ctx, std::string message) {
    auto ensured = co_await EnsureSession(ctx);
    if (!ensured) co_return ensured;
    auto rows = co_await db_.Query(
        "UPDATE web_sessions SET message = $1 WHERE session_key = $2",
        storage::MakeParams(std::move(message), ctx.session_key)
    );
    if (!rows) co_return Fail(rows.error());
    co_return Status{};
}

std::optional<http::Response> RequireAccount(const Context& ctx) {
    if (ctx.account) return std::nullopt;
    std::string target = "/inloggen";
    if (IsLocalPath(ctx.path)) {
        std::string encoded;
        for (unsigned char c : ctx.path) {
            bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                         c == '_' || c == '.' || c == '~' || c == '/';
            encoded += plain ? std::string(1, static_cast<char>(c)) : fmt::format("%{:02X}", c);
        }
        target += "?terug=" + encoded;
    }
    return Redirect(ctx, std::move(target));
}

std::optional<http::Response> RequireRole(const Context& ctx, std::string_view role) {
    if (auto r = RequireAccount(ctx)) return r;
    if (ctx.account->HasRole(role)) return std::nullopt;
    return ErrorPage(
        ctx,
        Error::Forbidden(fmt::format("Voor deze pagina heeft u de rol {} nodig. Die rol heeft uw account niet.", role))
    );
}

std::optional<http::Response> CheckCsrf(const Context& ctx, const Form& form) {
    auto sent = form.Get("csrf");
    bool ok = sent && !ctx.csrf.empty() && sent->size() == ctx.csrf.size() &&
              CRYPTO_memcmp(sent->data(), ctx.csrf.data(), ctx.csrf.size()) == 0;
    if (ok) return std::nullopt;
    return ErrorPage(
        ctx,
        Error{
            403,
            "csrf",
            "Formulier verlopen",
            "Het formulier is verlopen of niet op deze website ingevuld. Ga terug, laad de pagina opnieuw en probeer "
            "het nog een keer.",
            {}}
    );
}

}  // namespace thorbecke::web
