#pragma once
// Where a sign-in gets its Account from. Only passwords now; OpenID Connect fits beside it as another
// provider: its own start and callback routes (a redirect to the IdP, then a code exchange) map the ID token's
// claims to an Account, and end, like the password form, in SessionStore::SignIn(ctx, account).
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "accounts/accounts.h"
#include "core/error.h"

namespace thorbecke::web {

namespace asio = boost::asio;

class IdentityProvider {
  public:
    virtual ~IdentityProvider() = default;
    //! Short name for logs and the page ("wachtwoord", later "oidc").
    [[nodiscard]] virtual std::string_view name() const = 0;
};

//! Username and password, checked against the AccountStore (argon2id, lock-out).
class PasswordProvider final : public IdentityProvider {
  public:
    explicit PasswordProvider(accounts::AccountStore& store) : store_(store) {}
    [[nodiscard]] std::string_view name() const override { return "wachtwoord"; }
    asio::awaitable<Result<accounts::Account>> SignIn(std::string_view username, std::string_view password) {
        return store_.SignIn(username, password);
    }

  private:
    accounts::AccountStore& store_;
};

}  // namespace thorbecke::web
