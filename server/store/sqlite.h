// A thin RAII layer over the SQLite C API for the index: a database handle,
// prepared statements with bind/step/column, and transactions. Every failure
// becomes a StoreError with SQLite's message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace tacit::store::sql {

class Database;

class Statement {
 public:
  Statement(Database& db, std::string_view sql);
  Statement(Statement&&) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Binds are 1-based, like SQLite's.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, double value);
  Statement& bindNull(int index);

  bool step();  // true: a row is available; false: done
  void run();   // step() to completion, for statements without rows
  void reset();  // ready to bind and run again

  std::string text(int column) const;  // 0-based
  int64_t integer(int column) const;
  double real(int column) const;
  bool isNull(int column) const;

 private:
  Database* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class Database {
 public:
  // Opens or creates the file. `busyTimeoutMs` makes concurrent writers wait.
  Database(const std::string& path, int busyTimeoutMs);
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  void exec(std::string_view sql);  // one or more statements, no results
  int64_t changes();                 // rows changed by the last statement
  int64_t lastInsertRowid();         // of the last INSERT that added a row
  [[noreturn]] void fail(std::string_view what) const;  // throws with sqlite3_errmsg
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

// BEGIN IMMEDIATE (takes the write lock at once, so two processes never
// both read stale cursors and then collide), COMMIT on commit(), ROLLBACK
// when destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Database& db);
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();
  void commit();

 private:
  Database& db_;
  bool done_ = false;
};

}  // namespace tacit::store::sql
