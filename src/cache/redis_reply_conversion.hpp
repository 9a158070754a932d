// Internal: turns hiredis's reply tree into our value types, so no hiredis type escapes
// src/cache. Entry point: convert_reply(), called from reply callbacks (and unit tests).
#pragma once
#include "cache/redis_reply.hpp"

struct redisReply;

namespace phonebill::cache::detail {

// Null (hiredis's "connection gone") → kDisconnected; a top-level error reply → kServer
// with its text; anything else → the reply, deep-copied. Errors nested in arrays (EXEC,
// EVAL) stay elements of kind kError.
RedisResult<RedisReply> convert_reply(const redisReply* reply);

// The same tree walk without the top-level error rule.
RedisReply copy_reply(const redisReply& reply);

}  // namespace phonebill::cache::detail
