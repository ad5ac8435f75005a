// Staff accounts on a real SQLite database: argon2id, lock-out, tokens and the staff API authenticator.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <future>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>

#include "accounts/accounts.h"

namespace thorbecke::accounts {
namespace {

template <class T>
T Sync(asio::awaitable<T> work) {
    asio::io_context ioc{1};
    auto fut = asio::co_spawn(ioc, std::move(work), asio::use_future);
    ioc.run();
    return fut.get();
}

TEST(Password, Argon2idRoundTrip) {
    std::string hash = HashPassword("correct horse battery");
    EXPECT_TRUE(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << hash;
    EXPECT_TRUE(VerifyPassword(hash, "correct horse battery"));
    EXPECT_FALSE(VerifyPassword(hash, "correct horse batterY"));
    EXPECT_FALSE(VerifyPassword("", "x"));
    EXPECT_FALSE(VerifyPassword("$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA", "x"));
    // A new salt every time.
    EXPECT_NE(HashPassword("correct horse battery"), hash);
}

TEST(Username, Pattern) {
    EXPECT_TRUE(ValidUsername("jan.de-vries_2"));
    EXPECT_FALSE(ValidUsername("j"));
    EXPECT_FALSE(ValidUsername("Jan"));
    EXPECT_FALSE(ValidUsername("jan vries"));
    EXPECT_FALSE(ValidUsername(std::string(65, 'a')));
}

TEST(Tokens, RandomAndHashed) {
    std::string a = RandomToken();
    EXPECT_EQ(a.size(), 43U);  // 32 bytes in base64url without padding
    EXPECT_NE(a, RandomToken());
    EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

class StoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("accounts_test_" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        storage::Options o;
        o.url = "sqlite://" + (dir_ / "t.db").string();
        auto db = storage::Open(o);
        ASSERT_TRUE(db) << db.error().detail;
        db_ = std::move(*db);
        ASSERT_TRUE(db_->Migrate(AccountStore::Migrations()));
        store_ = std::make_unique<AccountStore>(*db_);
    }
    void TearDown() override {
        store_.reset();
        db_.reset();
        std::filesystem::remove_all(dir_);
    }
    Account Add(std::string username, std::set<std::string> roles) {
        NewAccount n{username, "Naam " + username, "Gemeente Test", std::move(roles), "een-lang-wachtwoord"};
        auto a = Sync(store_->Create(std::move(n)));
        EXPECT_TRUE(a) << (a ? "" : a.error().detail);
        return a ? *a : Account{};
    }

    std::filesystem::path dir_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<AccountStore> store_;
};

TEST_F(StoreTest, CreateValidates) {
    auto bad = Sync(store_->Create(NewAccount{"X", "", "", {"baas"}, "kort"}));
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().status, 400);
    std::set<std::string> names;
    for (const auto& p : bad.error().invalid_params) names.insert(p.name);
    EXPECT_EQ(names, (std::set<std::string>{"username", "display_name", "organisation", "roles", "password"}));
    Add("jan", {"redacteur"});
    auto dup = Sync(store_->Create(NewAccount{"jan", "Jan", "Org", {"redacteur"}, "een-lang-wachtwoord"}));
    ASSERT_FALSE(dup);
    EXPECT_EQ(dup.error().status, 409);
}

TEST_F(StoreTest, SignInAndLockOut) {
    Add("jan", {"redacteur", "goedkeurder"});
    auto ok = Sync(store_->SignIn("jan", "een-lang-wachtwoord"));
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->HasRole("goedkeurder"));
    EXPECT_EQ(ok->organisation, "Gemeente Test");

    auto unknown = Sync(store_->SignIn("piet", "een-lang-wachtwoord"));
    ASSERT_FALSE(unknown);
    auto wrong = Sync(store_->SignIn("jan", "fout"));
    ASSERT_FALSE(wrong);
    EXPECT_EQ(unknown.error().detail, wrong.error().detail);  // nothing tells which usernames exist
    EXPECT_EQ(wrong.error().detail, kWrongCredentials);

    // A success resets the count: 4 failures, a success, 4 failures do not lock.
    for (int i = 0; i < 3; ++i) ASSERT_FALSE(Sync(store_->SignIn("jan", "fout")));
    ASSERT_TRUE(Sync(store_->SignIn("jan", "een-lang-wachtwoord")));
    for (int i = 0; i < 4; ++i) {
        auto r = Sync(store_->SignIn("jan", "fout"));
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().code, "invalid_credentials");
    }
    auto fifth = Sync(store_->SignIn("jan", "fout"));
    ASSERT_FALSE(fifth);
    EXPECT_EQ(fifth.error().code, kLockedCode);
    auto locked = Sync(store_->SignIn("jan", "een-lang-wachtwoord"));
    ASSERT_FALSE(locked);
    EXPECT_EQ(locked.error().code, kLockedCode);
    EXPECT_NE(locked.error().detail.find("geblokkeerd"), std::string::npos);

    auto list = Sync(store_->List());
    ASSERT_TRUE(list);
    ASSERT_EQ(list->size(), 1U);
    EXPECT_FALSE(list->front().locked_until.empty());

    ASSERT_TRUE(Sync(store_->Unlock("jan")));
    EXPECT_TRUE(Sync(store_->SignIn("jan", "een-lang-wachtwoord")));
}

TEST_F(StoreTest, SetPassword) {
    Add("jan", {"redacteur"});
    EXPECT_FALSE(Sync(store_->SetPassword("jan", "kort")));
    ASSERT_TRUE(Sync(store_->SetPassword("jan", "nieuw-lang-wachtwoord")));
    EXPECT_FALSE(Sync(store_->SignIn("jan", "een-lang-wachtwoord")));
    EXPECT_TRUE(Sync(store_->SignIn("jan", "nieuw-lang-wachtwoord")));
    auto missing = Sync(store_->SetPassword("piet", "nieuw-lang-wachtwoord"));
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().status, 404);
}

TEST_F(StoreTest, TokensAndRemove) {
    Account jan = Add("jan", {"redacteur"});
    auto token = Sync(store_->IssueToken("jan", "ci"));
    ASSERT_TRUE(token);
    auto found = Sync(store_->ByToken(*token));
    ASSERT_TRUE(found && *found);
    EXPECT_EQ((*found)->id, jan.id);
    auto other = Sync(store_->ByToken(*token + "x"));
    ASSERT_TRUE(other);
    EXPECT_FALSE(*other);
    // Only the hash is stored.
    auto rows = Sync(db_->Query("SELECT token_hash FROM staff_tokens", {}));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->Text(0, 0), Sha256Hex(*token));

    ASSERT_TRUE(Sync(store_->Remove("jan")));
    auto gone = Sync(store_->ByToken(*token));
    ASSERT_TRUE(gone);
    EXPECT_FALSE(*gone);
    EXPECT_FALSE(Sync(store_->Remove("jan")));
}

TEST_F(StoreTest, StaffApiAccess) {
    Add("jan", {"redacteur"});
    auto token = Sync(store_->IssueToken("jan", ""));
    ASSERT_TRUE(token);
    http::Access access = StaffApiAccess(*store_, {"goedkeurder"});
    ASSERT_TRUE(access.authenticator);
    EXPECT_FALSE(access.is_public);
    ASSERT_EQ(access.any_of.size(), 1U);
    EXPECT_EQ(access.any_of.front().component, "algoritmeregister");
    EXPECT_EQ(access.any_of.front().scope, "goedkeurder");
    const http::Authenticator& authenticate = *access.authenticator;

    http::Request none;
    auto r = Sync(authenticate(none));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 401);

    http::Request wrong;
    wrong.headers["authorization"] = "Bearer nope";
    r = Sync(authenticate(wrong));
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 401);

    http::Request good;
    good.headers["authorization"] = "Bearer " + *token;
    r = Sync(authenticate(good));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->client_id, "medewerker:jan");
    EXPECT_EQ(r->user_id, "jan");
    EXPECT_EQ(r->organisation, "Gemeente Test");
    EXPECT_TRUE(r->Has("algoritmeregister", "redacteur"));
    // The server refuses (403) because the principal lacks the route's grant.
    EXPECT_FALSE(r->Has("algoritmeregister", "goedkeurder"));
}

}  // namespace
}  // namespace thorbecke::accounts
