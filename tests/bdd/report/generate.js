// Turns the cucumber JSON of a Gherkin run (pytest-bdd's --cucumberjson) into the HTML
// spec report: node generate.js JSON_DIR REPORT_DIR [DRIVER]. Used by `make spec-report`.
"use strict";

const path = require("node:path");
const report = require("multiple-cucumber-html-reporter");

const [jsonDir, reportPath, driver = "use_case"] = process.argv.slice(2);
if (!jsonDir || !reportPath) {
  console.error("usage: node generate.js JSON_DIR REPORT_DIR [DRIVER]");
  process.exit(2);
}

const ways = {
  use_case: "the use cases, on in-memory adapters",
  http: "the HTTP API, on SQLite",
};

report.generate({
  jsonDir: path.resolve(jsonDir),
  reportPath: path.resolve(reportPath),
  reportName: "hexashop: what the shop does",
  pageTitle: "hexashop specs",
  // pytest-bdd reports durations in nanoseconds, the reporter's default unit.
  displayDuration: true,
  displayReportTime: true,
  // Metadata columns describe browsers and devices, which these specs have none of.
  hideMetadata: true,
  customData: {
    title: "Run",
    data: [
      { label: "Specs", value: "features/ (one folder per bounded context)" },
      { label: "Ran through", value: ways[driver] || driver },
      { label: "Generated", value: new Date().toISOString() },
    ],
  },
  // Replaces the reporter author's social links; the report names only the project.
  pageFooter: '<div class="created-by"><p>hexashop executable specifications</p></div>',
  disableLog: true,
});
console.log(`spec report: ${path.resolve(reportPath, "index.html")}`);
