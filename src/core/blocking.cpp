#include "core/blocking.h"

namespace thorbecke {

asio::thread_pool& BlockingPool() {
    static asio::thread_pool pool(2);
    return pool;
}

}  // namespace thorbecke
