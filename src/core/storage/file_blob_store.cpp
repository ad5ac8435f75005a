// The file blob store: content-addressed files, written through a temporary file that is fsynced and then
// renamed, so a reader (or a restart after a crash) sees a blob whole or not at all.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "core/log.h"
#include "core/storage/blob_store.h"
#include "core/uuid.h"

namespace thorbecke::storage {

namespace fs = std::filesystem;

namespace {

Error IoError(std::string_view what) {
    // The path is not in the answer: it tells a client nothing and the administrator has the log.
    log::Error("blob store failure", {{"what", what}, {"error", std::strerror(errno)}});
    return Error::Internal("De inhoud kon niet worden opgeslagen of gelezen.");
}

bool ValidKey(std::string_view key) {
    if (key.size() != 64) return false;
    for (char c : key) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    }
    return true;
}

void SyncDir(const fs::path& dir) {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

class FileWriter final : public BlobWriter {
  public:
    FileWriter(fs::path root, fs::path tmp, int fd) : root_(std::move(root)), tmp_(std::move(tmp)), fd_(fd) {
        ctx_ = EVP_MD_CTX_new();
        EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
    }
    ~FileWriter() override {
        if (fd_ >= 0) ::close(fd_);
        if (!committed_) {
            std::error_code ec;
            fs::remove(tmp_, ec);
        }
        EVP_MD_CTX_free(ctx_);
    }
    FileWriter(const FileWriter&) = delete;
    FileWriter& operator=(const FileWriter&) = delete;

    Status Write(std::string_view data) override {
        if (fd_ < 0) return Fail(Error::Internal("De schrijver is al afgesloten."));
        EVP_DigestUpdate(ctx_, data.data(), data.size());
        while (!data.empty()) {
            ssize_t n = ::write(fd_, data.data(), data.size());
            if (n < 0) {
                if (errno == EINTR) continue;
                return Fail(IoError("write"));
            }
            data.remove_prefix(static_cast<std::size_t>(n));
            size_ += static_cast<std::uint64_t>(n);
        }
        return {};
    }

    [[nodiscard]] std::uint64_t size() const override { return size_; }

    Result<BlobInfo> Commit() override {
        if (fd_ < 0) return Fail(Error::Internal("De schrijver is al afgesloten."));
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        EVP_DigestFinal_ex(ctx_, digest, &len);
        std::string key;
        for (unsigned int i = 0; i < len; ++i) key += fmt::format("{:02x}", digest[i]);
        if (::fsync(fd_) != 0) return Fail(IoError("fsync"));
        ::close(fd_);
        fd_ = -1;
        fs::path dir = root_ / key.substr(0, 2) / key.substr(2, 2);
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) return Fail(IoError("mkdir"));
        fs::path target = dir / key;
        // Equal content may already be there: renaming over it replaces bytes by the same bytes.
        if (::rename(tmp_.c_str(), target.c_str()) != 0) return Fail(IoError("rename"));
        committed_ = true;
        SyncDir(dir);
        return BlobInfo{key, size_};
    }

  private:
    fs::path root_, tmp_;
    int fd_ = -1;
    EVP_MD_CTX* ctx_ = nullptr;
    std::uint64_t size_ = 0;
    bool committed_ = false;
};

class FileReader final : public BlobReader {
  public:
    FileReader(int fd, std::uint64_t size) : fd_(fd), size_(size) {}
    ~FileReader() override { ::close(fd_); }
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    Result<std::size_t> Read(char* buffer, std::size_t n) override {
        for (;;) {
            ssize_t got = ::read(fd_, buffer, n);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno != EINTR) return Fail(IoError("read"));
        }
    }
    [[nodiscard]] std::uint64_t size() const override { return size_; }

  private:
    int fd_;
    std::uint64_t size_;
};

class FileBlobStore final : public BlobStore {
  public:
    explicit FileBlobStore(fs::path root) : root_(std::move(root)), tmp_(root_ / "tmp") {}

    Result<std::unique_ptr<BlobWriter>> Create() override {
        fs::path tmp = tmp_ / NewUuid();
        int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
        if (fd < 0) return Fail(IoError("create"));
        return std::unique_ptr<BlobWriter>(new FileWriter(root_, std::move(tmp), fd));
    }

    Result<std::unique_ptr<BlobReader>> Open(std::string_view key) override {
        if (!ValidKey(key)) return Fail(Error::NotFound());
        fs::path path = PathOf(key);
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) return Fail(Error::NotFound());
            return Fail(IoError("open"));
        }
        std::error_code ec;
        auto size = fs::file_size(path, ec);
        return std::unique_ptr<BlobReader>(new FileReader(fd, ec ? 0 : size));
    }

    std::optional<std::string> LocalPath(std::string_view key) override {
        if (!ValidKey(key)) return std::nullopt;
        return PathOf(key).string();
    }

    bool Exists(std::string_view key) override {
        std::error_code ec;
        return ValidKey(key) && fs::exists(PathOf(key), ec);
    }

    Status Remove(std::string_view key) override {
        if (!ValidKey(key)) return {};
        std::error_code ec;
        fs::remove(PathOf(key), ec);
        if (ec) return Fail(IoError("remove"));
        return {};
    }

  private:
    [[nodiscard]] fs::path PathOf(std::string_view key) const {
        return root_ / key.substr(0, 2) / key.substr(2, 2) / key;
    }
    fs::path root_, tmp_;
};

}  // namespace

Result<std::unique_ptr<BlobStore>> MakeFileBlobStore(std::string dir) {
    fs::path root(dir);
    std::error_code ec;
    fs::create_directories(root / "tmp", ec);
    if (ec) return Fail(Error::Internal(fmt::format("Kan de map voor documenten niet aanmaken: {}", ec.message())));
    // Temporary files of a day ago are writes that never committed (a crash, a killed process): never visible,
    // so they go. Younger ones may be uploads in progress on another node sharing this directory.
    auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(24);
    for (const auto& entry : fs::directory_iterator(root / "tmp", ec)) {
        std::error_code ignored;
        if (entry.last_write_time(ignored) < cutoff) fs::remove(entry.path(), ignored);
    }
    return std::unique_ptr<BlobStore>(new FileBlobStore(root));
}

}  // namespace thorbecke::storage
