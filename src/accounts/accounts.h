#pragma once
// Staff accounts: the people of an organisation who edit (redacteur) and approve (goedkeurder) what
// Thorbecke publishes. Managed with `thorbecke accounts`; they sign in to the web pages with a password
// (argon2id) and call staff APIs with a bearer token (only its SHA-256 is stored).
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/error.h"
#include "core/http/router.h"
#include "core/storage/database.h"

namespace thorbecke::accounts {

namespace asio = boost::asio;

inline constexpr std::string_view kRedacteur = "redacteur";
inline constexpr std::string_view kGoedkeurder = "goedkeurder";

struct Account {
    std::int64_t id = 0;
    std::string username;
    std::string display_name;
    std::string organisation;
    std::set<std::string> roles;

    [[nodiscard]] bool HasRole(std::string_view role) const { return roles.contains(std::string(role)); }
};

//! An account as `accounts list` shows it.
struct AccountInfo {
    Account account;
    std::int64_t failed_attempts = 0;
    std::string locked_until;  // RFC 3339 UTC; empty: not locked
    std::string created_at;
};

struct NewAccount {
    std::string username;  // [a-z0-9._-]{2,64}
    std::string display_name;
    std::string organisation;
    std::set<std::string> roles;  // subset of {redacteur, goedkeurder}, at least one
    std::string password;         // at least 12 characters
};

//! Sign-in refusals: one text for an unknown user and a wrong password, so the answer does not tell
//! which usernames exist.
inline constexpr std::string_view kWrongCredentials = "De gebruikersnaam of het wachtwoord is niet juist.";
//! Error::code of a refusal because the account is locked (Error::detail says until when).
inline constexpr std::string_view kLockedCode = "account_locked";
inline constexpr int kMaxFailedAttempts = 5;
inline constexpr std::chrono::minutes kLockDuration{15};

class AccountStore {
  public:
    explicit AccountStore(storage::Database& db) : db_(db) {}

    //! Tables staff_accounts and staff_tokens.
    static std::vector<storage::Migration> Migrations();

    //! Validates and stores a new account (hashing its password on the Blocking pool). 400 on a bad field,
    //! 409 when the username exists.
    asio::awaitable<Result<Account>> Create(NewAccount account);
    asio::awaitable<Status> SetPassword(std::string_view username, std::string password);

    //! Checks a password. Refused with kWrongCredentials (401) for an unknown user or wrong password, and
    //! with kLockedCode (403) while locked: 5 consecutive failures lock the account for 15 minutes. Success
    //! resets the counter.
    asio::awaitable<Result<Account>> SignIn(std::string_view username, std::string_view password);

    asio::awaitable<Result<std::optional<Account>>> Find(std::string_view username);
    asio::awaitable<Result<std::optional<Account>>> ById(std::int64_t id);

    //! A new API token for the account: 32 random bytes, base64url. Returned once; only its SHA-256 is kept.
    asio::awaitable<Result<std::string>> IssueToken(std::string_view username, std::string_view label);
    //! The account a token belongs to; nullopt for an unknown token.
    asio::awaitable<Result<std::optional<Account>>> ByToken(std::string_view token);

    asio::awaitable<Status> Unlock(std::string_view username);
    asio::awaitable<Result<std::vector<AccountInfo>>> List();
    //! Removes the account and its tokens (their web sessions end with them: see web::SessionStore).
    asio::awaitable<Status> Remove(std::string_view username);

    [[nodiscard]] storage::Database& database() { return db_; }

  private:
    storage::Database& db_;
};

//! Valid usernames: [a-z0-9._-]{2,64}.
bool ValidUsername(std::string_view username);

//! argon2id, OWASP minimum parameters (m=19 MiB, t=2, p=1). Blocking: call on the Blocking pool.
std::string HashPassword(std::string_view password);
bool VerifyPassword(std::string_view encoded_hash, std::string_view password);

//! 32 random bytes (OpenSSL RAND_bytes) as base64url: API tokens, session ids, CSRF tokens.
std::string RandomToken();
//! SHA-256 as lower-case hex: what is stored of tokens and session ids.
std::string Sha256Hex(std::string_view data);

//! The Principal of a staff account: client_id "medewerker:<username>", user_id username, organisation, and
//! one grant {"algoritmeregister", role} per role.
auth::Principal StaffPrincipal(const Account& account);

//! Route access for `Authorization: Bearer <staff token>`: any staff account holding one of `roles` (empty:
//! any staff account). 401 without a valid token, 403 without the role.
http::Access StaffApiAccess(AccountStore& store, std::vector<std::string> roles = {});

}  // namespace thorbecke::accounts
