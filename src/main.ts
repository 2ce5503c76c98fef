import { defaultSettings, checkSetting } from "./control/settings"

const s = defaultSettings()
console.log(checkSetting("maxRateDps", 12))
console.log(s.maxAngleDeg)
