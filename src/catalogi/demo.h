#pragma once
#include <boost/asio/awaitable.hpp>

#include "catalogi/service.h"

namespace thorbecke::catalogi {

//! Loads a demo catalogus (domein "DEMO") with published zaaktypen and their types, once: a database
//! that already has it is left as it is. Only for `thorbecke serve --demo`.
boost::asio::awaitable<Status> LoadDemoData(Service& service, Store& store);

}  // namespace thorbecke::catalogi
