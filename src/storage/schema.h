// The stio database schema, as an ordered list of migrations per backend.
//
// Migrations are compiled into the binary. Never edit a released migration: add a new one.
#pragma once

#include <span>

#include "storage/database.h"

namespace stio::storage {

// Every migration of the SQLite backend, version 1..N in order.
std::span<const Migration> SqliteMigrations();

// The migrations for `db`'s backend.
std::span<const Migration> MigrationsFor(const Database& db);

}  // namespace stio::storage
