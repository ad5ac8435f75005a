#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/storage/blob_store.h"
#include "core/uuid.h"

namespace thorbecke::storage {
namespace {

namespace fs = std::filesystem;

class BlobStoreTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("thorbecke-blobs-" + NewUuid());
        auto store = MakeFileBlobStore(dir_.string());
        ASSERT_TRUE(store);
        store_ = std::move(*store);
    }
    void TearDown() override { fs::remove_all(dir_); }

    [[nodiscard]] std::size_t TempFiles() const {
        std::size_t n = 0;
        for ([[maybe_unused]] const auto& e : fs::directory_iterator(dir_ / "tmp")) ++n;
        return n;
    }

    std::string ReadAll(const std::string& key) {
        auto reader = store_->Open(key);
        EXPECT_TRUE(reader);
        if (!reader) return {};
        std::string out;
        char buf[7];  // small on purpose: many reads
        for (;;) {
            auto n = (*reader)->Read(buf, sizeof buf);
            EXPECT_TRUE(n);
            if (!n || *n == 0) break;
            out.append(buf, *n);
        }
        return out;
    }

    fs::path dir_;
    std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, ContentAddressedAndReadBack) {
    auto w = store_->Create();
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Write("hello "));
    ASSERT_TRUE((*w)->Write("world"));
    EXPECT_EQ((*w)->size(), 11u);
    auto info = (*w)->Commit();
    ASSERT_TRUE(info);
    // sha256("hello world")
    EXPECT_EQ(info->key, "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9");
    EXPECT_EQ(info->size, 11u);
    EXPECT_TRUE(store_->Exists(info->key));
    EXPECT_EQ(ReadAll(info->key), "hello world");
    auto path = store_->LocalPath(info->key);
    ASSERT_TRUE(path);
    std::ifstream in(*path);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "hello world");
    EXPECT_EQ(TempFiles(), 0u);
}

TEST_F(BlobStoreTest, EqualContentIsStoredOnce) {
    std::string keys[2];
    for (auto& key : keys) {
        auto w = store_->Create();
        ASSERT_TRUE(w);
        ASSERT_TRUE((*w)->Write("zelfde inhoud"));
        auto info = (*w)->Commit();
        ASSERT_TRUE(info);
        key = info->key;
    }
    EXPECT_EQ(keys[0], keys[1]);
    EXPECT_EQ(ReadAll(keys[0]), "zelfde inhoud");
}

TEST_F(BlobStoreTest, AbandonedWriteLeavesNothing) {
    {
        auto w = store_->Create();
        ASSERT_TRUE(w);
        ASSERT_TRUE((*w)->Write("half"));
        EXPECT_EQ(TempFiles(), 1u);
    }
    EXPECT_EQ(TempFiles(), 0u);
    std::size_t blobs = 0;
    for (const auto& e : fs::recursive_directory_iterator(dir_)) blobs += e.is_regular_file() ? 1 : 0;
    EXPECT_EQ(blobs, 0u);
}

TEST_F(BlobStoreTest, RemoveAndUnknownKeys) {
    auto w = store_->Create();
    ASSERT_TRUE(w);
    ASSERT_TRUE((*w)->Write("weg"));
    auto info = (*w)->Commit();
    ASSERT_TRUE(info);
    ASSERT_TRUE(store_->Remove(info->key));
    EXPECT_FALSE(store_->Exists(info->key));
    EXPECT_TRUE(store_->Remove(info->key));  // twice is fine
    auto missing = store_->Open(info->key);
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().status, 404);
    // Keys are hex digests only: nothing else reaches the file system.
    EXPECT_FALSE(store_->Open("../../etc/passwd"));
    EXPECT_FALSE(store_->LocalPath("../x"));
    EXPECT_FALSE(store_->Exists(std::string(64, 'z')));
}

TEST_F(BlobStoreTest, StaleTemporaryFilesGoAtStart) {
    auto stale = dir_ / "tmp" / "stale";
    auto fresh = dir_ / "tmp" / "fresh";
    std::ofstream(stale) << "x";
    std::ofstream(fresh) << "y";
    fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(48));
    auto again = MakeFileBlobStore(dir_.string());
    ASSERT_TRUE(again);
    EXPECT_FALSE(fs::exists(stale));
    EXPECT_TRUE(fs::exists(fresh));  // may be an upload in progress on another node
}

}  // namespace
}  // namespace thorbecke::storage
