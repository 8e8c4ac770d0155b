#include "acd/waiting_line.hpp"

namespace hotline::acd {

void WaitingLine::insert(int priority, const LineEntry& entry) {
  if (levels_[priority].insert(entry).second) ++size_;
}

void WaitingLine::erase(int priority, const LineEntry& entry) {
  auto level = levels_.find(priority);
  if (level == levels_.end()) return;
  if (level->second.erase(entry)) --size_;
  if (level->second.empty()) levels_.erase(level);
}

int WaitingLine::position(int priority, const LineEntry& entry) const {
  std::size_t ahead = 0;
  for (const auto& [level_priority, level] : levels_) {
    if (level_priority == priority) {
      ahead += level.order_of_key(entry);
      break;
    }
    ahead += level.size();
  }
  return static_cast<int>(ahead) + 1;
}

}  // namespace hotline::acd
