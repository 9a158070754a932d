// bill-inquiry's settings: the common server, database and Redis variables, KOS's base
// URL (PHONEBILL_UPSTREAM_KOS_SIM), auth's JWKS (PHONEBILL_UPSTREAM_AUTH), the token
// settings, the KOS resilience settings (PHONEBILL_KOS_*) and PHONEBILL_BILL_* (cache
// TTLs, Redis deadline, group commit). Reference: docs/bill-inquiry.md. Entry: load.
#pragma once
#include <chrono>
#include <string>

#include "core/config.hpp"
#include "http/server.hpp"
#include "kos/http_kos_transport.hpp"
#include "kos/resilient_kos_transport.hpp"
#include "kos_gate.hpp"
#include "security/jwks_source.hpp"
#include "security/token_verifier.hpp"

namespace phonebill::bill {

struct CachePolicy {
  std::chrono::milliseconds closed_month_ttl{24 * 60 * 60 * 1000};  // fresh for 24 h
  std::chrono::milliseconds current_month_ttl{60 * 60 * 1000};      // fresh for 1 h
  std::chrono::milliseconds stale_ttl{7 * 24 * 60 * 60 * 1000};     // last good copy kept
  std::chrono::milliseconds menu_ttl{60 * 60 * 1000};  // menu's customer + months; 0: off
  std::chrono::milliseconds redis_timeout{250};  // per Redis command (see docs/bill-inquiry.md)
};

struct HistoryPolicy {
  std::size_t max_batch = 512;  // entries per transaction
  int writers = 2;              // transactions in flight at once
  std::chrono::milliseconds commit_timeout{5'000};
};

struct BillConfig {
  http::ServerOptions server;
  std::string database_url;  // contains a password: never log it
  std::size_t database_pool_size = 8;
  std::string migrations_directory = "db/bill";
  std::string redis_url = "redis://127.0.0.1:56379";
  std::string log_level = "info";
  kos::HttpKosOptions kos;
  kos::KosResilienceOptions resilience;
  security::HttpJwksOptions jwks;
  security::TokenVerifierOptions verifier;
  CachePolicy cache;
  HistoryPolicy history;
  KosGateOptions kos_gate;  // PHONEBILL_BILL_KOS_{CONCURRENCY,QUEUE,QUEUE_WAIT_MS}

  // Throws ConfigError naming the bad variable.
  static BillConfig load(const Environment& environment);
};

}  // namespace phonebill::bill
