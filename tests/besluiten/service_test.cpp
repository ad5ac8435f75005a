// The Besluiten service on SQLite with stand-ins for the Catalogi types and for the Zaken and Documenten APIs
// of the platform: what a besluit and a besluitinformatieobject mirror there (zaakbesluit,
// objectinformatieobject) happens in the same transaction, is undone with it, and the links answer what the
// other components ask (besluiten::Links).
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "besluiten/access.h"
#include "besluiten/service.h"
#include "besluiten/store.h"
#include "core/uuid.h"
#include "support/run_coro.h"

namespace thorbecke::embedded {
std::string_view besluiten_openapi();
}  // namespace thorbecke::embedded

namespace thorbecke::besluiten {
namespace {

namespace asio = boost::asio;
using testing::RunCoro;

const std::string kBase = "http://test";
const std::string kBesluittype = kBase + "/catalogi/api/v1/besluittypen/11111111-1111-4111-8111-111111111111";
const std::string kZaaktype = kBase + "/catalogi/api/v1/zaaktypen/22222222-2222-4222-8222-222222222222";
const std::string kIot = kBase + "/catalogi/api/v1/informatieobjecttypen/33333333-3333-4333-8333-333333333333";
const std::string kZakenPath = "/zaken/api/v1/zaken/";
const std::string kDocsPath = "/documenten/api/v1/enkelvoudiginformatieobjecten/";

class FakeTypes final : public TypeSource {
  public:
    asio::awaitable<Result<std::optional<std::string>>> Find(std::string url, std::string, storage::Session*) override {
        if (url == kBesluittype) {
            co_return std::optional<std::string>(
                R"({"url":")" + kBesluittype + R"(","concept":false,"informatieobjecttypen":[")" + kIot + R"("]})"
            );
        }
        if (url == kZaaktype) {
            co_return std::optional<std::string>(
                R"({"url":")" + kZaaktype + R"(","besluittypen":[")" + kBesluittype + R"("]})"
            );
        }
        co_return std::optional<std::string>();
    }
};

//! The Zaken API of the platform: zaken it knows, and the zaakbesluiten asked of it.
class FakeZaken final : public zaken::Links {
  public:
    std::set<std::string> closed;  // urls
    std::set<std::string> zaken;   // urls
    std::vector<std::string> calls;
    bool fail_add = false;

    std::string Make(bool is_closed = false) {
        std::string url = kBase + kZakenPath + NewUuid();
        zaken.insert(url);
        if (is_closed) closed.insert(url);
        return url;
    }
    [[nodiscard]] bool IsLocal(std::string_view url, std::string_view base) const override {
        return url.starts_with(std::string(base) + kZakenPath);
    }
    asio::awaitable<Result<std::optional<zaken::ZaakFacts>>> Facts(storage::Session&, std::string url, std::string)
        override {
        if (!zaken.contains(url)) co_return std::optional<zaken::ZaakFacts>();
        co_return std::optional<zaken::ZaakFacts>(zaken::ZaakFacts{
            url.substr(url.rfind('/') + 1), url, kZaaktype, closed.contains(url)});
    }
    asio::awaitable<Status> AddBesluit(storage::Session&, std::string zaak, std::string besluit, std::string) override {
        if (fail_add) co_return Fail(Error::Internal("zaken unavailable"));
        calls.push_back("add " + zaak + " " + besluit);
        co_return Status{};
    }
    asio::awaitable<Status> RemoveBesluit(storage::Session&, std::string zaak, std::string besluit, std::string)
        override {
        calls.push_back("remove " + zaak + " " + besluit);
        co_return Status{};
    }
};

//! The Documenten API of the platform: its documents, and the objectinformatieobjecten asked of it.
class FakeDocumenten final : public documenten::Links {
  public:
    std::map<std::string, std::string> docs;  // url -> informatieobjecttype
    std::vector<std::string> calls;

    std::string Make(std::string iot = kIot) {
        std::string url = kBase + kDocsPath + NewUuid();
        docs[url] = std::move(iot);
        return url;
    }
    [[nodiscard]] bool IsLocal(std::string_view url, std::string_view base) const override {
        return url.starts_with(std::string(base) + kDocsPath);
    }
    asio::awaitable<Result<std::optional<documenten::DocumentFacts>>> Facts(
        storage::Session&, std::string url, std::string
    ) override {
        auto it = docs.find(url);
        if (it == docs.end()) co_return std::optional<documenten::DocumentFacts>();
        documenten::DocumentFacts f;
        f.uuid = url.substr(url.rfind('/') + 1);
        f.informatieobjecttype = it->second;
        co_return f;
    }
    asio::awaitable<Status> Link(
        storage::Session&, std::string io, std::string object, std::string object_type, std::string
    ) override {
        calls.push_back("link " + io + " " + object + " " + object_type);
        co_return Status{};
    }
    asio::awaitable<Status> Unlink(storage::Session&, std::string io, std::string object, std::string) override {
        calls.push_back("unlink " + io + " " + object);
        co_return Status{};
    }
};

class BesluitenServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() / ("besluiten-test-" + NewUuid());
        std::filesystem::create_directories(dir_);
        auto db = storage::Open(storage::Options{"sqlite://" + (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().detail;
        db_ = std::move(*db);
        ASSERT_TRUE(db_->Migrate(Store::Migrations()));
        auto schemas = json::SchemaSet::Load(embedded::besluiten_openapi());
        ASSERT_TRUE(schemas) << schemas.error().detail;
        schemas_ = std::make_unique<json::SchemaSet>(std::move(*schemas));
        store_ = std::make_unique<Store>(*db_);
        service_ = std::make_unique<Service>(*store_, *schemas_, types_);
        service_->SetZaken(&zaken_);
        service_->SetDocumenten(&documenten_);
    }
    void TearDown() override {
        service_.reset();
        store_.reset();
        db_.reset();
        std::filesystem::remove_all(dir_);
    }

    //! Runs one request through the service as a client with `grants` (none: all rights).
    Result<http::Response> Call(
        Resource resource, Action action, std::string body, std::string uuid = {}, std::vector<auth::Grant> grants = {}
    ) {
        http::Request req;
        req.base_url = kBase;
        req.body = std::move(body);
        if (!uuid.empty()) req.path_params["uuid"] = uuid;
        auth::Principal p;
        p.client_id = "test";
        p.all_rights = grants.empty();
        for (auto& g : grants) p.grants.insert(g);
        req.principal = p;
        Operation op{resource, action, {"besluiten.aanmaken", "besluiten.bijwerken", "besluiten.verwijderen"}};
        bool besluit = resource == Resource::kBesluit;
        if (action == Action::kDelete) {
            return RunCoro(ctx_, besluit ? service_->RemoveBesluit(op, req) : service_->RemoveBio(op, req));
        }
        return RunCoro(ctx_, besluit ? service_->WriteBesluit(op, req) : service_->CreateBio(op, req));
    }

    static std::string BesluitBody(const std::string& zaak) {
        return R"({"verantwoordelijkeOrganisatie":"002220647","besluittype":")" + kBesluittype +
               R"(","datum":"2026-01-10","ingangsdatum":"2026-01-11","zaak":")" + zaak + R"("})";
    }

    //! Creates a besluit; its uuid.
    std::string CreateBesluit(const std::string& zaak) {
        auto r = Call(Resource::kBesluit, Action::kCreate, BesluitBody(zaak));
        EXPECT_TRUE(r) << (r ? "" : r.error().detail);
        if (!r) return {};
        EXPECT_EQ(r->status, 201) << r->body;
        auto doc = boost::json::parse(r->body).as_object();
        std::string url(doc.at("url").as_string());
        return url.substr(url.rfind('/') + 1);
    }

    Result<std::optional<BesluitFacts>> Facts(const std::string& url) {
        Result<std::optional<BesluitFacts>> out = std::optional<BesluitFacts>();
        auto st = RunCoro(ctx_, db_->Read([&](storage::Session& s) -> asio::awaitable<Status> {
            out = co_await service_->Facts(s, url, kBase);
            co_return Status{};
        }));
        EXPECT_TRUE(st);
        return out;
    }

    asio::io_context ctx_;
    std::filesystem::path dir_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<json::SchemaSet> schemas_;
    std::unique_ptr<Store> store_;
    FakeTypes types_;
    FakeZaken zaken_;
    FakeDocumenten documenten_;
    std::unique_ptr<Service> service_;
};

TEST_F(BesluitenServiceTest, BesluitOnALocalZaakIsMirroredAndKnownToTheLinks) {
    std::string zaak = zaken_.Make();
    std::string uuid = CreateBesluit(zaak);
    std::string url = kBase + "/besluiten/api/v1/besluiten/" + uuid;
    ASSERT_EQ(zaken_.calls, std::vector<std::string>{"add " + zaak + " " + url});

    EXPECT_TRUE(service_->IsLocal(url, kBase));
    EXPECT_FALSE(service_->IsLocal("http://elders" + url.substr(kBase.size()), kBase));
    EXPECT_FALSE(service_->IsLocal(kBase + "/besluiten/api/v1/besluiten/geen-uuid", kBase));
    auto facts = Facts(url);
    ASSERT_TRUE(facts && *facts);
    EXPECT_EQ((*facts)->uuid, uuid);
    EXPECT_EQ((*facts)->url, url);
    EXPECT_EQ((*facts)->besluittype, kBesluittype);
    EXPECT_EQ((*facts)->zaak, zaak);
    EXPECT_EQ((*facts)->ingangsdatum, "2026-01-11");
    EXPECT_EQ((*facts)->vervaldatum, "");
    auto unknown = Facts(kBase + "/besluiten/api/v1/besluiten/" + NewUuid());
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(*unknown);

    std::vector<BesluitFacts> of_zaak;
    auto st = RunCoro(ctx_, db_->Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto r = co_await service_->OfZaak(s, zaak, kBase);
        if (!r) co_return Fail(r.error());
        of_zaak = std::move(*r);
        co_return Status{};
    }));
    ASSERT_TRUE(st);
    ASSERT_EQ(of_zaak.size(), 1U);
    EXPECT_EQ(of_zaak[0].uuid, uuid);
}

TEST_F(BesluitenServiceTest, ChangingTheZaakMovesTheZaakbesluit) {
    std::string first = zaken_.Make(), second = zaken_.Make();
    std::string uuid = CreateBesluit(first);
    std::string url = kBase + "/besluiten/api/v1/besluiten/" + uuid;
    auto r = Call(Resource::kBesluit, Action::kPartialUpdate, R"({"zaak":")" + second + R"("})", uuid);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->status, 200);
    // a change elsewhere leaves the zaakbesluit alone
    r = Call(Resource::kBesluit, Action::kPartialUpdate, R"({"toelichting":"x"})", uuid);
    ASSERT_TRUE(r);
    std::vector<std::string> expected{
        "add " + first + " " + url, "remove " + first + " " + url, "add " + second + " " + url};
    EXPECT_EQ(zaken_.calls, expected);
}

TEST_F(BesluitenServiceTest, AFailingMirrorUndoesTheBesluit) {
    zaken_.fail_add = true;
    auto r = Call(Resource::kBesluit, Action::kCreate, BesluitBody(zaken_.Make()));
    ASSERT_FALSE(r);
    std::int64_t count = -1;
    auto st = RunCoro(ctx_, db_->Read([&](storage::Session& s) -> asio::awaitable<Status> {
        auto rows = co_await s.Query("SELECT COUNT(*) FROM besluiten_besluit", {});
        if (!rows) co_return Fail(rows.error());
        count = rows->Int(0, 0);
        co_return Status{};
    }));
    ASSERT_TRUE(st);
    EXPECT_EQ(count, 0);
}

TEST_F(BesluitenServiceTest, UnknownLocalZaakIsBadUrl) {
    auto r = Call(Resource::kBesluit, Action::kCreate, BesluitBody(kBase + kZakenPath + NewUuid()));
    ASSERT_FALSE(r);
    ASSERT_EQ(r.error().invalid_params.size(), 1U);
    EXPECT_EQ(r.error().invalid_params[0].name, "zaak");
    EXPECT_EQ(r.error().invalid_params[0].code, "bad-url");
}

TEST_F(BesluitenServiceTest, ClosedZaakNeedsTheForcedScope) {
    std::string zaak = zaken_.Make(true);
    std::vector<auth::Grant> plain{auth::Grant{"brc", "besluiten.aanmaken"}};
    auto r = Call(Resource::kBesluit, Action::kCreate, BesluitBody(zaak), {}, plain);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().status, 403);
    auto forced = plain;
    forced.push_back(auth::Grant{"zrc", "zaken.geforceerd-bijwerken", kZaaktype});
    r = Call(Resource::kBesluit, Action::kCreate, BesluitBody(zaak), {}, forced);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->status, 201);
}

TEST_F(BesluitenServiceTest, LocalDocumentsGetTheirObjectinformatieobject) {
    std::string zaak = zaken_.Make();
    std::string uuid = CreateBesluit(zaak);
    std::string besluit = kBase + "/besluiten/api/v1/besluiten/" + uuid;
    std::string doc = documenten_.Make();
    auto r = Call(
        Resource::kBesluitInformatieObject,
        Action::kCreate,
        R"({"besluit":")" + besluit + R"(","informatieobject":")" + doc + R"("})"
    );
    ASSERT_TRUE(r) << r.error().detail;
    ASSERT_EQ(r->status, 201);
    EXPECT_EQ(documenten_.calls, std::vector<std::string>{"link " + doc + " " + besluit + " besluit"});

    // another type than the besluittype allows (brc-008 of the standard), and an unknown document (brc-003)
    r = Call(
        Resource::kBesluitInformatieObject,
        Action::kCreate,
        R"({"besluit":")" + besluit + R"(","informatieobject":")" + documenten_.Make(kBase + "/anders") + R"("})"
    );
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().invalid_params.at(0).code, "missing-besluittype-informatieobjecttype-relation");
    r = Call(
        Resource::kBesluitInformatieObject,
        Action::kCreate,
        R"({"besluit":")" + besluit + R"(","informatieobject":")" + kBase + kDocsPath + NewUuid() + R"("})"
    );
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().invalid_params.at(0).code, "bad-url");

    // deleting the besluit takes the objectinformatieobject and the zaakbesluit with it
    r = Call(Resource::kBesluit, Action::kDelete, "", uuid);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(documenten_.calls.back(), "unlink " + doc + " " + besluit);
    EXPECT_EQ(zaken_.calls.back(), "remove " + zaak + " " + besluit);
}

TEST_F(BesluitenServiceTest, DeletingABesluitinformatieobjectUnlinks) {
    std::string uuid = CreateBesluit("");
    std::string besluit = kBase + "/besluiten/api/v1/besluiten/" + uuid;
    std::string doc = documenten_.Make();
    auto r = Call(
        Resource::kBesluitInformatieObject,
        Action::kCreate,
        R"({"besluit":")" + besluit + R"(","informatieobject":")" + doc + R"("})"
    );
    ASSERT_TRUE(r) << r.error().detail;
    std::string bio_url(boost::json::parse(r->body).as_object().at("url").as_string());
    r = Call(Resource::kBesluitInformatieObject, Action::kDelete, "", bio_url.substr(bio_url.rfind('/') + 1));
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->status, 204);
    EXPECT_EQ(documenten_.calls.back(), "unlink " + doc + " " + besluit);
    EXPECT_TRUE(zaken_.calls.empty());
}

TEST(BesluitenAccess, GrantsByBesluittype) {
    EXPECT_EQ(BesluittypeKey(kBesluittype), "11111111-1111-4111-8111-111111111111");
    EXPECT_EQ(
        BesluittypeKey("\x01/catalogi/api/v1/besluittypen/11111111-1111-4111-8111-111111111111"),
        "11111111-1111-4111-8111-111111111111"
    );
    EXPECT_EQ(BesluittypeKey("https://elders/bt/1"), "https://elders/bt/1");

    auth::Principal p;
    p.grants.insert(auth::Grant{"brc", "besluiten.lezen", kBesluittype});
    p.grants.insert(auth::Grant{"zrc", "besluiten.lezen"});  // another component: no right here
    std::vector<std::string> lezen{"besluiten.lezen"}, aanmaken{"besluiten.aanmaken"};
    EXPECT_TRUE(MayAccess(&p, lezen, "11111111-1111-4111-8111-111111111111"));
    EXPECT_FALSE(MayAccess(&p, lezen, "other"));
    EXPECT_FALSE(MayAccess(&p, aanmaken, "11111111-1111-4111-8111-111111111111"));
    EXPECT_FALSE(MayAccess(nullptr, lezen, "x"));
    storage::Where w;
    EXPECT_TRUE(AccessCondition(&p, lezen, w));
    EXPECT_EQ(w.Sql(1), " WHERE (b.besluittype_key = $1)");
    storage::Where none;
    EXPECT_FALSE(AccessCondition(&p, aanmaken, none));

    p.grants.insert(auth::Grant{"brc", "besluiten.lezen"});  // and one for every besluittype
    storage::Where all;
    EXPECT_TRUE(AccessCondition(&p, lezen, all));
    EXPECT_TRUE(all.empty());
    EXPECT_TRUE(MayAccess(&p, lezen, "other"));

    auth::Principal forced;
    forced.grants.insert(auth::Grant{"zrc", "zaken.geforceerd-bijwerken", kZaaktype});
    EXPECT_TRUE(MayChangeClosedZaak(&forced, kZaaktype));
    EXPECT_FALSE(MayChangeClosedZaak(&forced, kZaaktype + "x"));
    EXPECT_FALSE(MayChangeClosedZaak(&p, kZaaktype));
}

}  // namespace
}  // namespace thorbecke::besluiten
