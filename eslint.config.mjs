// ESLint for the project's ES-module JavaScript: the KAN playground and its Node tests (.mjs: the
// root package.json is not a module package, the older widgets being plain scripts).
// (The older widgets in assets/js/*.js are scripts, not modules, and are not linted yet.)
import js from "@eslint/js";
import globals from "globals";

export default [
  { ignores: ["**/*", "!assets/", "!assets/js/", "!assets/js/playground/", "!assets/js/playground/**", "!tests/", "!tests/js/", "!tests/js/**"] },
  js.configs.recommended,
  {
    files: ["assets/js/playground/**/*.js"],
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
