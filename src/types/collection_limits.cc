#include "types/collection_limits.h"

namespace memkeydb {

CollectionLimits& Limits() {
  static CollectionLimits limits;
  return limits;
}

}  // namespace memkeydb
