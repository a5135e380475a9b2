// ESLint for the project's JavaScript, all of it ES modules: the widgets (assets/js/*.js), the KAN
// playground (assets/js/playground/) and the Node tests (tests/js/). The config is .mjs because the
// root package.json is not a module package; assets/js/ and tests/js/ carry their own
// {"type": "module"} package.json, so Node loads their files as modules.
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["**/*", "!assets/", "!assets/js/", "!assets/js/**", "!tests/", "!tests/js/", "!tests/js/**", "assets/vendor/**"] },
  js.configs.recommended,
  {
    files: ["assets/js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ["tests/js/**/*.js"],
    languageOptions: { ecmaVersion: 2022, sourceType: "module", globals: { ...globals.node } },
  },
  {
    rules: {
      "no-unused-vars": ["error", { args: "none" }],
      "no-control-regex": "off",
      eqeqeq: ["error", "always"],
      "prefer-const": "error",
      "no-var": "error",
    },
  },
];
