// How a cache-aside read went, for the hit-ratio metrics: a fresh hit, a stale copy (kept
// past its freshness to answer when KOS cannot), a miss, or a cache that did not answer.
#pragma once

namespace phonebill::cache {

enum class CacheLookup { kHit, kStale, kMiss, kError };

}  // namespace phonebill::cache
