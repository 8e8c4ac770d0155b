#pragma once
// One queue's calls that wait for an offer, in call order: higher priority first, then earlier
// enqueue time (then arrival order). Kept as one ordered tree per priority level, so that:
//  - the head of each level is its longest-waiting call, hence the only one of the level that
//    can be eligible for a higher tier (eligibility grows with the wait);
//  - a call's position is an order statistic (O(log n) per level), not a walk along the line.
// The order-statistics tree is libstdc++'s policy-based tree (GCC extension, shipped with g++).
#include <cstdint>
#include <functional>
#include <map>

#include <ext/pb_ds/assoc_container.hpp>
#include <ext/pb_ds/tree_policy.hpp>

#include "acd/acd_types.hpp"

namespace hotline::acd {

struct LineEntry {
  EpochMs enqueued_at = 0;
  std::uint64_t seq = 0;          // arrival order, unique per engine
  const CallKey* call = nullptr;  // not part of the order
  bool operator<(const LineEntry& other) const {
    return enqueued_at != other.enqueued_at ? enqueued_at < other.enqueued_at : seq < other.seq;
  }
};

class WaitingLine {
 public:
  using Level =
      __gnu_pbds::tree<LineEntry, __gnu_pbds::null_type, std::less<LineEntry>,
                       __gnu_pbds::rb_tree_tag, __gnu_pbds::tree_order_statistics_node_update>;
  using Levels = std::map<int, Level, std::greater<int>>;  // highest priority first, none empty

  void insert(int priority, const LineEntry& entry);
  void erase(int priority, const LineEntry& entry);
  // 1-based position of a call in the line (which must hold it).
  int position(int priority, const LineEntry& entry) const;
  int size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const Levels& levels() const { return levels_; }

 private:
  Levels levels_;
  int size_ = 0;
};

}  // namespace hotline::acd
