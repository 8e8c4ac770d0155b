import type { App } from 'vue'
import {
  ArrowDown,
  Collection,
  Delete,
  DocumentChecked,
  Edit,
  Expand,
  Fold,
  HomeFilled,
  Key,
  Lock,
  OfficeBuilding,
  Phone,
  Plus,
  Refresh,
  Search,
  Setting,
  SwitchButton,
  Unlock,
  User,
  UserFilled,
} from '@element-plus/icons-vue'

// Only the icons the UI uses are registered (keeps the bundle small).
const icons = {
  ArrowDown,
  Collection,
  Delete,
  DocumentChecked,
  Edit,
  Expand,
  Fold,
  HomeFilled,
  Key,
  Lock,
  OfficeBuilding,
  Phone,
  Plus,
  Refresh,
  Search,
  Setting,
  SwitchButton,
  Unlock,
  User,
  UserFilled,
}

export function registerIcons(app: App) {
  for (const [name, comp] of Object.entries(icons)) app.component(name, comp)
}
