// documenten::Links as the Zaken and Besluiten APIs of the platform call it: facts of a document, and the
// objectinformatieobject mirror written and removed in the caller's transaction.
#include <gtest/gtest.h>

#include <filesystem>

#include "core/json/schema.h"
#include "core/storage/blob_store.h"
#include "core/uuid.h"
#include "documenten/service.h"
#include "documenten/store.h"
#include "support/run_coro.h"

namespace thorbecke::embedded {
std::string_view documenten_openapi();
}

namespace thorbecke::documenten {
namespace {

namespace fs = std::filesystem;
using testing::RunCoro;

constexpr std::string_view kBase = "http://drc.example";

class NoTypes final : public TypeSource {
  public:
    asio::awaitable<Result<std::optional<std::string>>> Find(std::string, std::string, storage::Session*) override {
        co_return std::nullopt;
    }
};

class LinksTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("thorbecke-links-" + NewUuid());
        fs::create_directories(dir_);
        auto db = storage::Open(storage::Options{"sqlite://" + (dir_ / "t.db").string()});
        ASSERT_TRUE(db) << db.error().detail;
        db_ = std::move(*db);
        ASSERT_TRUE(db_->Migrate(Store::Migrations()));
        auto schemas = json::SchemaSet::Load(embedded::documenten_openapi());
        ASSERT_TRUE(schemas);
        schemas_ = std::make_unique<json::SchemaSet>(std::move(*schemas));
        auto blobs = storage::MakeFileBlobStore((dir_ / "blobs").string());
        ASSERT_TRUE(blobs);
        blobs_ = std::move(*blobs);
        store_ = std::make_unique<Store>(*db_);
        service_ = std::make_unique<Service>(*store_, *schemas_, types_, *blobs_, ContentLimits{});
    }
    void TearDown() override { fs::remove_all(dir_); }

    //! A document as the API stores it, without going through HTTP.
    std::string AddDocument() {
        std::string uuid = NewUuid();
        DocumentRow row;
        row.uuid = uuid;
        row.bronorganisatie = "002220647";
        row.identificatie = "DOC-" + uuid;
        row.informatieobjecttype = "\x01/catalogi/api/v1/informatieobjecttypen/" + NewUuid();
        row.type_key = "t";
        row.vertrouwelijkheid = 3;
        row.indicatie_gebruiksrecht = true;
        DocumentColumns columns;
        columns.vertrouwelijkheidaanduiding = "intern";
        VersionRow version{
            1,
            "2026-01-01T00:00:00.000000Z",
            R"({"status":"definitief","vertrouwelijkheidaanduiding":"intern"})",
            std::nullopt,
            0};
        auto st = RunCoro(io_, db_->Transaction([&](storage::Session& s) -> asio::awaitable<Status> {
            auto ins = co_await store_->InsertDocument(s, row, columns);
            if (!ins) co_return ins;
            co_return co_await store_->InsertVersion(s, uuid, version);
        }));
        EXPECT_TRUE(st) << (st ? "" : st.error().detail);
        return uuid;
    }

    std::string Url(const std::string& uuid) const {
        return std::string(kBase) + "/documenten/api/v1/enkelvoudiginformatieobjecten/" + uuid;
    }

    Status InTransaction(std::function<asio::awaitable<Status>(storage::Session&)> fn) {
        return RunCoro(io_, db_->Transaction(std::move(fn)));
    }

    std::int64_t Links(const std::string& uuid) {
        std::int64_t n = -1;
        auto st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
            auto count = co_await store_->CountChildren(s, std::string(kKindLink), uuid);
            if (!count) co_return Fail(count.error());
            n = *count;
            co_return Status{};
        });
        EXPECT_TRUE(st);
        return n;
    }

    fs::path dir_;
    asio::io_context io_;
    std::unique_ptr<storage::Database> db_;
    std::unique_ptr<json::SchemaSet> schemas_;
    std::unique_ptr<storage::BlobStore> blobs_;
    std::unique_ptr<Store> store_;
    NoTypes types_;
    std::unique_ptr<Service> service_;
};

TEST_F(LinksTest, IsLocalNamesOnlyThisPlatformsDocuments) {
    std::string uuid = NewUuid();
    EXPECT_TRUE(service_->IsLocal(Url(uuid), kBase));
    EXPECT_FALSE(
        service_->IsLocal("http://elsewhere.example/documenten/api/v1/enkelvoudiginformatieobjecten/" + uuid, kBase)
    );
    EXPECT_FALSE(service_->IsLocal(std::string(kBase) + "/zaken/api/v1/zaken/" + uuid, kBase));
    EXPECT_FALSE(service_->IsLocal(Url("not-a-uuid"), kBase));
}

TEST_F(LinksTest, FactsOfTheNewestVersion) {
    std::string uuid = AddDocument();
    std::optional<DocumentFacts> facts;
    auto st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto f = co_await service_->Facts(s, Url(uuid), std::string(kBase));
        if (!f) co_return Fail(f.error());
        facts = *f;
        co_return Status{};
    });
    ASSERT_TRUE(st);
    ASSERT_TRUE(facts);
    EXPECT_EQ(facts->uuid, uuid);
    EXPECT_EQ(facts->status, "definitief");
    EXPECT_EQ(facts->vertrouwelijkheidaanduiding, "intern");
    EXPECT_EQ(facts->indicatie_gebruiksrecht, std::optional<bool>(true));
    EXPECT_TRUE(facts->informatieobjecttype.starts_with(std::string(kBase) + "/catalogi/api/v1/informatieobjecttypen/")
    );
    std::optional<DocumentFacts> none = DocumentFacts{};
    st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto f = co_await service_->Facts(s, Url(NewUuid()), std::string(kBase));
        if (!f) co_return Fail(f.error());
        none = *f;
        co_return Status{};
    });
    ASSERT_TRUE(st);
    EXPECT_FALSE(none);
}

TEST_F(LinksTest, LinkAndUnlinkInTheCallersTransaction) {
    std::string uuid = AddDocument();
    std::string zaak = std::string(kBase) + "/zaken/api/v1/zaken/" + NewUuid();
    auto st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto a = co_await service_->Link(s, Url(uuid), zaak, "zaak", std::string(kBase));
        if (!a) co_return a;
        co_return co_await service_->Link(s, Url(uuid), zaak, "zaak", std::string(kBase));  // once only
    });
    ASSERT_TRUE(st) << st.error().detail;
    EXPECT_EQ(Links(uuid), 1);
    // a failing caller rolls the mirror back with its own write
    st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto a = co_await service_->Unlink(s, Url(uuid), zaak, std::string(kBase));
        if (!a) co_return a;
        co_return Fail(Error::Internal("the caller's write failed"));
    });
    EXPECT_FALSE(st);
    EXPECT_EQ(Links(uuid), 1);
    st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
        auto a = co_await service_->Unlink(s, Url(uuid), zaak, std::string(kBase));
        if (!a) co_return a;
        co_return co_await service_->Unlink(s, Url(uuid), zaak, std::string(kBase));  // none left: no error
    });
    ASSERT_TRUE(st);
    EXPECT_EQ(Links(uuid), 0);
    // no mirror of a document that is not there
    st = InTransaction([&](storage::Session& s) -> asio::awaitable<Status> {
        co_return co_await service_->Link(s, Url(NewUuid()), zaak, "zaak", std::string(kBase));
    });
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().invalid_params.at(0).name, "informatieobject");
}

}  // namespace
}  // namespace thorbecke::documenten
