#pragma once
// Document content lives outside the database, in a blob store: content-addressed (a blob's key is the
// SHA-256 of its bytes, so equal content is stored once) and written crash-safe (a temporary file, fsynced,
// then renamed into place: a blob is either whole or absent). The interface is small so that an object store
// can stand in for the file store later; the database keeps only keys and sizes.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/error.h"

namespace thorbecke::storage {

struct BlobInfo {
    std::string key;  // lower-case hex SHA-256 of the content
    std::uint64_t size = 0;
};

//! Receives a blob's bytes in pieces. Destroyed without Commit(), it leaves nothing behind.
class BlobWriter {
  public:
    virtual ~BlobWriter() = default;
    virtual Status Write(std::string_view data) = 0;
    [[nodiscard]] virtual std::uint64_t size() const = 0;
    //! Makes the content durable and visible under its key. The writer is spent afterwards.
    virtual Result<BlobInfo> Commit() = 0;
};

//! Reads a blob front to back in pieces.
class BlobReader {
  public:
    virtual ~BlobReader() = default;
    //! Up to `n` bytes into `buffer`; 0 at the end.
    virtual Result<std::size_t> Read(char* buffer, std::size_t n) = 0;
    [[nodiscard]] virtual std::uint64_t size() const = 0;
};

class BlobStore {
  public:
    virtual ~BlobStore() = default;
    virtual Result<std::unique_ptr<BlobWriter>> Create() = 0;
    //! Not found: Error::NotFound.
    virtual Result<std::unique_ptr<BlobReader>> Open(std::string_view key) = 0;
    //! A local file with the blob's bytes that the HTTP server can stream as it is; nullopt for stores
    //! without local files (their content goes through Open()).
    virtual std::optional<std::string> LocalPath(std::string_view key) = 0;
    [[nodiscard]] virtual bool Exists(std::string_view key) = 0;
    //! Removing a missing blob is not an error.
    virtual Status Remove(std::string_view key) = 0;
};

//! Blobs as files under `dir` (created if missing): `dir/ab/cd/<key>`, temporary files in `dir/tmp`
//! (left-overs of a crash are removed at start).
Result<std::unique_ptr<BlobStore>> MakeFileBlobStore(std::string dir);

}  // namespace thorbecke::storage
