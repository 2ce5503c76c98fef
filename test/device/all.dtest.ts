// The on-device test suite: one VM run for all of it (npm run test:device).
//   node node_modules/@devicescript/cli/built/devicescript-cli.cjs --no-colors run test/device/all.dtest.ts --test --test-self-exit
// Never --test without --test-self-exit: the CLI would report OK before any test ran.

import "./hw.dtest"
import "./atan2.dtest"
import "./controller.dtest"
import "./settings.dtest"
import "./service.dtest"
