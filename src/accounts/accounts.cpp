#include "accounts/accounts.h"

#include <argon2.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <chrono>
#include <ctime>

#include <fmt/format.h>

#include "core/auth/jwt.h"
#include "core/blocking.h"
#include "core/time.h"

namespace thorbecke::accounts {

namespace {

// OWASP Password Storage Cheat Sheet minimum for argon2id: m=19 MiB, t=2, p=1.
constexpr std::uint32_t kArgonMemoryKiB = 19 * 1024;
constexpr std::uint32_t kArgonIterations = 2;
constexpr std::uint32_t kArgonParallelism = 1;
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
constexpr std::size_t kMinPassword = 12;
constexpr std::size_t kMaxPassword = 1024;  // argon2 takes any length; this bounds the work per request

constexpr std::string_view kColumns = "id, username, display_name, organisation, roles";

std::int64_t NowSeconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string RandomBytes(std::size_t n) {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
        throw std::runtime_error("RAND_bytes failed");
    }
    return out;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest.data());
    std::string out;
    out.reserve(digest.size() * 2);
    for (unsigned char b : digest) out += fmt::format("{:02x}", b);
    return out;
}

std::string RandomToken() {
    return auth::Base64UrlEncode(RandomBytes(32));
}

namespace {

std::string JoinRoles(const std::set<std::string>& roles) {
    std::string out;
    for (const auto& r : roles) {
        if (!out.empty()) out += ',';
        out += r;
    }
    return out;
}

std::set<std::string> SplitRoles(std::string_view text) {
    std::set<std::string> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto part = text.substr(0, comma);
        if (!part.empty()) out.emplace(part);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

Account ReadAccount(const storage::Rows& rows, std::size_t r) {
    Account a;
    a.id = rows.Int(r, 0);
    a.username = rows.Text(r, 1);
    a.display_name = rows.Text(r, 2);
    a.organisation = rows.Text(r, 3);
    a.roles = SplitRoles(rows.Text(r, 4));
    return a;
}

//! Dutch civil time (CET/CEST) of a UTC instant, as "HH:MM": the lock-out message tells users when to try again.
std::string DutchClock(std::int64_t epoch) {
    auto year_of = [](std::int64_t t) {
        std::time_t tt = static_cast<std::time_t>(t);
        std::tm tm{};
        gmtime_r(&tt, &tm);
        return tm.tm_year + 1900;
    };
    // Summer time runs from the last Sunday of March to the last Sunday of October, 01:00 UTC both.
    auto last_sunday = [](int year, unsigned month) {
        using namespace std::chrono;
        sys_days last = year_month_day_last{std::chrono::year{year}, month_day_last{std::chrono::month{month}}};
        weekday wd{last};
        sys_days sunday = last - days{wd.c_encoding()};  // c_encoding: 0 is Sunday
        return std::chrono::duration_cast<std::chrono::seconds>(sunday.time_since_epoch()).count() + 3600;
    };
    int year = year_of(epoch);
    bool summer = epoch >= last_sunday(year, 3) && epoch < last_sunday(year, 10);
    std::time_t local = static_cast<std::time_t>(epoch + (summer ? 7200 : 3600));
    std::tm tm{};
    gmtime_r(&local, &tm);
    return fmt::format("{:02}:{:02}", tm.tm_hour, tm.tm_min);
}

Error LockedError(std::int64_t until) {
    return Error{
        403,
        std::string(kLockedCode),
        "Account geblokkeerd.",
        fmt::format(
            "Uw account is tijdelijk geblokkeerd, omdat er {} keer een verkeerd wachtwoord is gebruikt. "
            "Probeer het na {} opnieuw, of vraag de beheerder om de blokkade op te heffen.",
            kMaxFailedAttempts,
            DutchClock(until)
        ),
        {}};
}

Error WrongCredentials() {
    return Error{401, "invalid_credentials", "Inloggen mislukt.", std::string(kWrongCredentials), {}};
}

Status CheckPassword(std::string_view password) {
    if (password.size() < kMinPassword) {
        return Fail(Error::Field(
            "password", "min_length", fmt::format("Het wachtwoord moet minstens {} tekens lang zijn.", kMinPassword)
        ));
    }
    if (password.size() > kMaxPassword) {
        return Fail(Error::Field(
            "password", "max_length", fmt::format("Het wachtwoord mag hoogstens {} tekens lang zijn.", kMaxPassword)
        ));
    }
    return {};
}

//! A hash to verify against for unknown usernames, so they take as long as known ones.
const std::string& DummyHash() {
    static const std::string hash = HashPassword(RandomBytes(24));
    return hash;
}

}  // namespace

bool ValidUsername(std::string_view username) {
    if (username.size() < 2 || username.size() > 64) return false;
    for (char c : username) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

std::string HashPassword(std::string_view password) {
    std::string salt = RandomBytes(kSaltBytes);
    std::size_t len =
        argon2_encodedlen(kArgonIterations, kArgonMemoryKiB, kArgonParallelism, kSaltBytes, kHashBytes, Argon2_id);
    std::string encoded(len, '\0');
    int rc = argon2id_hash_encoded(
        kArgonIterations,
        kArgonMemoryKiB,
        kArgonParallelism,
        password.data(),
        password.size(),
        salt.data(),
        salt.size(),
        kHashBytes,
        encoded.data(),
        encoded.size()
    );
    if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id: ") + argon2_error_message(rc));
    encoded.resize(std::char_traits<char>::length(encoded.c_str()));
    return encoded;
}

bool VerifyPassword(std::string_view encoded_hash, std::string_view password) {
    if (!encoded_hash.starts_with("$argon2id$")) return false;
    std::string encoded(encoded_hash);  // argon2 wants a NUL-terminated string
    return argon2id_verify(encoded.c_str(), password.data(), password.size()) == ARGON2_OK;
}

auth::Principal StaffPrincipal(const Account& account) {
    auth::Principal p;
    p.client_id = "medewerker:" + account.username;
    p.user_id = account.username;
    p.organisation = account.organisation;
    p.user_representation = account.display_name;
    for (const auto& r : account.roles) p.grants.insert(auth::Grant{"algoritmeregister", r});
    return p;
}

std::vector<storage::Migration> AccountStore::Migrations() {
    auto sql = [](storage::Dialect d) {
        std::string id = d == storage::Dialect::kSqlite ? "INTEGER PRIMARY KEY AUTOINCREMENT"
                                                        : "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY";
        return fmt::format(
            R"sql(
CREATE TABLE staff_accounts (
    id {},
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    organisation TEXT NOT NULL,
    roles TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE staff_tokens (
    token_hash TEXT PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES staff_accounts(id) ON DELETE CASCADE,
    label TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX staff_tokens_account ON staff_tokens(account_id);
)sql",
            id
        );
    };
    return {
        storage::Migration{"0800_staff_accounts", sql(storage::Dialect::kSqlite), sql(storage::Dialect::kPostgres)}};
}

asio::awaitable<Result<Account>> AccountStore::Create(NewAccount n) {
    std::vector<InvalidParam> bad;
    if (!ValidUsername(n.username)) {
        bad.push_back({"username", "invalid", "De gebruikersnaam bestaat uit 2 tot 64 tekens: a-z, 0-9, punt, _ of -."}
        );
    }
    if (n.display_name.empty() || n.display_name.size() > 200) {
        bad.push_back({"display_name", "invalid", "De naam is verplicht (hoogstens 200 tekens)."});
    }
    if (n.organisation.empty() || n.organisation.size() > 200) {
        bad.push_back({"organisation", "invalid", "De organisatie is verplicht (hoogstens 200 tekens)."});
    }
    bool roles_ok = !n.roles.empty();
    for (const auto& r : n.roles) roles_ok = roles_ok && (r == kRedacteur || r == kGoedkeurder);
    if (!roles_ok) bad.push_back({"roles", "invalid_choice", "Geef een of meer rollen: redacteur, goedkeurder."});
    if (auto st = CheckPassword(n.password); !st) bad.push_back(st.error().invalid_params.front());
    if (!bad.empty()) co_return Fail(Error::Validation(std::move(bad)));

    std::string password = std::move(n.password);
    auto hash_fn = [password]() { return HashPassword(password); };
    std::string hash = co_await Blocking(hash_fn);
    auto params =
        storage::MakeParams(n.username, n.display_name, n.organisation, JoinRoles(n.roles), std::move(hash), NowIso());
    auto rows = co_await db_.Query(
        fmt::format(
            "INSERT INTO staff_accounts (username, display_name, organisation, roles, password_hash, created_at) "
            "VALUES ($1, $2, $3, $4, $5, $6) RETURNING {}",
            kColumns
        ),
        std::move(params)
    );
    if (!rows) {
        if (rows.error().code == storage::kUniqueViolation) {
            co_return Fail(Error::Conflict("exists", fmt::format("Er is al een account \"{}\".", n.username)));
        }
        co_return Fail(rows.error());
    }
    co_return ReadAccount(*rows, 0);
}

asio::awaitable<Status> AccountStore::SetPassword(std::string_view username, std::string password) {
    if (auto st = CheckPassword(password); !st) co_return st;
    auto hash_fn = [password = std::move(password)]() { return HashPassword(password); };
    std::string hash = co_await Blocking(hash_fn);
    auto params = storage::MakeParams(std::move(hash), std::string(username));
    auto rows = co_await db_.Query(
        "UPDATE staff_accounts SET password_hash = $1, failed_attempts = 0, locked_until = 0 WHERE username = $2",
        std::move(params)
    );
    if (!rows) co_return Fail(rows.error());
    if (rows->affected == 0) co_return Fail(Error::NotFound(fmt::format("Geen account \"{}\".", username)));
    co_return Status{};
}

asio::awaitable<Result<Account>> AccountStore::SignIn(std::string_view username, std::string_view password) {
    std::optional<Account> account;
    std::string hash;
    std::int64_t locked_until = 0;
    if (ValidUsername(username) && password.size() <= kMaxPassword) {
        auto rows = co_await db_.Query(
            fmt::format("SELECT {}, password_hash, locked_until FROM staff_accounts WHERE username = $1", kColumns),
            storage::MakeParams(std::string(username))
        );
        if (!rows) co_return Fail(rows.error());
        if (!rows->empty()) {
            account = ReadAccount(*rows, 0);
            hash = rows->Text(0, 5);
            locked_until = rows->Int(0, 6);
        }
    }
    std::int64_t now = NowSeconds();
    if (account && locked_until > now) co_return Fail(LockedError(locked_until));

    std::string pw(password.substr(0, kMaxPassword));
    std::string against = account ? hash : DummyHash();
    auto verify_fn = [against, pw]() { return VerifyPassword(against, pw); };
    bool ok = co_await Blocking(verify_fn);
    if (!account) co_return Fail(WrongCredentials());
    if (ok) {
        auto reset = co_await db_.Query(
            "UPDATE staff_accounts SET failed_attempts = 0, locked_until = 0 WHERE id = $1",
            storage::MakeParams(account->id)
        );
        if (!reset) co_return Fail(reset.error());
        co_return std::move(*account);
    }
    // One statement counts the failure and locks at the limit, so parallel attempts cannot slip past it.
    std::int64_t until = now + std::chrono::duration_cast<std::chrono::seconds>(kLockDuration).count();
    auto params = storage::MakeParams(account->id, static_cast<std::int64_t>(kMaxFailedAttempts), until);
    auto counted = co_await db_.Query(
        "UPDATE staff_accounts SET "
        "locked_until = CASE WHEN failed_attempts + 1 >= $2 THEN $3 ELSE locked_until END, "
        "failed_attempts = CASE WHEN failed_attempts + 1 >= $2 THEN 0 ELSE failed_attempts + 1 END "
        "WHERE id = $1 RETURNING locked_until",
        std::move(params)
    );
    if (!counted) co_return Fail(counted.error());
    if (!counted->empty() && counted->Int(0, 0) > now) co_return Fail(LockedError(counted->Int(0, 0)));
    co_return Fail(WrongCredentials());
}

asio::awaitable<Result<std::optional<Account>>> AccountStore::Find(std::string_view username) {
    auto rows = co_await db_.Query(
        fmt::format("SELECT {} FROM staff_accounts WHERE username = $1", kColumns),
        storage::MakeParams(std::string(username))
    );
    if (!rows) co_return Fail(rows.error());
    if (rows->empty()) co_return std::optional<Account>{};
    co_return std::optional<Account>{ReadAccount(*rows, 0)};
}

asio::awaitable<Result<std::optional<Account>>> AccountStore::ById(std::int64_t id) {
    auto rows = co_await db_.Query(
        fmt::format("SELECT {} FROM staff_accounts WHERE id = $1", kColumns), storage::MakeParams(id)
    );
    if (!rows) co_return Fail(rows.error());
    if (rows->empty()) co_return std::optional<Account>{};
    co_return std::optional<Account>{ReadAccount(*rows, 0)};
}

asio::awaitable<Result<std::string>> AccountStore::IssueToken(std::string_view username, std::string_view label) {
    auto found = co_await Find(username);
    if (!found) co_return Fail(found.error());
    if (!*found) co_return Fail(Error::NotFound(fmt::format("Geen account \"{}\".", username)));
    std::string token = RandomToken();
    auto params = storage::MakeParams(Sha256Hex(token), (*found)->id, std::string(label), NowIso());
    auto rows = co_await db_.Query(
        "INSERT INTO staff_tokens (token_hash, account_id, label, created_at) VALUES ($1, $2, $3, $4)",
        std::move(params)
    );
    if (!rows) co_return Fail(rows.error());
    co_return token;
}

asio::awaitable<Result<std::optional<Account>>> AccountStore::ByToken(std::string_view token) {
    if (token.empty() || token.size() > 200) co_return std::optional<Account>{};
    // Only the hash is looked up: the database never sees the token, and a timing difference in the index
    // lookup tells nothing about it.
    auto rows = co_await db_.Query(
        "SELECT a.id, a.username, a.display_name, a.organisation, a.roles FROM staff_tokens t "
        "JOIN staff_accounts a ON a.id = t.account_id WHERE t.token_hash = $1",
        storage::MakeParams(Sha256Hex(token))
    );
    if (!rows) co_return Fail(rows.error());
    if (rows->empty()) co_return std::optional<Account>{};
    co_return std::optional<Account>{ReadAccount(*rows, 0)};
}

asio::awaitable<Status> AccountStore::Unlock(std::string_view username) {
    auto rows = co_await db_.Query(
        "UPDATE staff_accounts SET failed_attempts = 0, locked_until = 0 WHERE username = $1",
        storage::MakeParams(std::string(username))
    );
    if (!rows) co_return Fail(rows.error());
    if (rows->affected == 0) co_return Fail(Error::NotFound(fmt::format("Geen account \"{}\".", username)));
    co_return Status{};
}

asio::awaitable<Result<std::vector<AccountInfo>>> AccountStore::List() {
    auto rows = co_await db_.Query(
        fmt::format(
            "SELECT {}, failed_attempts, locked_until, created_at FROM staff_accounts ORDER BY username", kColumns
        ),
        {}
    );
    if (!rows) co_return Fail(rows.error());
    std::vector<AccountInfo> out;
    std::int64_t now = NowSeconds();
    for (std::size_t r = 0; r < rows->size(); ++r) {
        AccountInfo info;
        info.account = ReadAccount(*rows, r);
        info.failed_attempts = rows->Int(r, 5);
        std::int64_t until = rows->Int(r, 6);
        if (until > now) {
            std::time_t t = static_cast<std::time_t>(until);
            std::tm tm{};
            gmtime_r(&t, &tm);
            info.locked_until = fmt::format(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
                tm.tm_year + 1900,
                tm.tm_mon + 1,
                tm.tm_mday,
                tm.tm_hour,
                tm.tm_min,
                tm.tm_sec
            );
        }
        info.created_at = rows->Text(r, 7);
        out.push_back(std::move(info));
    }
    co_return out;
}

asio::awaitable<Status> AccountStore::Remove(std::string_view username) {
    std::string name(username);
    storage::Database::TxFn fn = [name](storage::Session& s) -> asio::awaitable<Status> {
        auto tokens = co_await s.Query(
            "DELETE FROM staff_tokens WHERE account_id IN (SELECT id FROM staff_accounts WHERE username = $1)",
            storage::MakeParams(name)
        );
        if (!tokens) co_return Fail(tokens.error());
        auto rows = co_await s.Query("DELETE FROM staff_accounts WHERE username = $1", storage::MakeParams(name));
        if (!rows) co_return Fail(rows.error());
        if (rows->affected == 0) co_return Fail(Error::NotFound(fmt::format("Geen account \"{}\".", name)));
        co_return Status{};
    };
    co_return co_await db_.Transaction(std::move(fn));
}

http::Access StaffApiAccess(AccountStore& store, std::vector<std::string> roles) {
    auto fn = std::make_shared<const http::Authenticator>(
        [&store](const http::Request& req) -> asio::awaitable<Result<auth::Principal>> {
            std::string_view header = req.Header("authorization");
            constexpr std::string_view kBearer = "Bearer ";
            if (header.size() <= kBearer.size() || !header.starts_with(kBearer)) {
                co_return Fail(
                    Error::Unauthenticated("Een geldig token van een medewerker is nodig (Authorization: Bearer).")
                );
            }
            auto account = co_await store.ByToken(header.substr(kBearer.size()));
            if (!account) co_return Fail(account.error());
            if (!*account) co_return Fail(Error::Unauthenticated("Het token is onbekend of ingetrokken."));
            co_return StaffPrincipal(**account);
        }
    );
    std::vector<auth::Grant> grants;
    for (auto& r : roles) grants.push_back(auth::Grant{"algoritmeregister", std::move(r)});
    return http::Access::By(std::move(fn), std::move(grants));
}

}  // namespace thorbecke::accounts
