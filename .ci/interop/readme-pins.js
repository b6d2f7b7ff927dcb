// Checks that every third-party tool command in README.md names its version, and the version
// CI runs where CI runs the tool: npm packages as pinned in .ci/npm/package.json, Go tools as
// required by the go.mod files given. The TypeScript generators must also be given the
// TypeScript CI pins (`-p typescript@X`): TypeScript 7 crashes them (README, "Generate your
// own client"). Usage: node readme-pins.js README.md .ci/npm/package.json go.mod...
"use strict";
const fs = require("node:fs");

const [readmePath, packagePath, ...goMods] = process.argv.slice(2);
const readme = fs.readFileSync(readmePath, "utf8");
const npmPins = JSON.parse(fs.readFileSync(packagePath, "utf8")).dependencies;
const goPins = {}; // module path -> versions required by any of goMods
for (const file of goMods) {
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    const m = line.trim().replace(/^require\s+/, "").match(/^([a-z0-9.-]+\.[a-z]+\/\S+)\s+(v\S+)/);
    if (m) (goPins[m[1]] ??= new Set()).add(m[2]);
  }
}
const own = "github.com/lakipay/checkout-go";
const typescriptGenerators = /openapi-typescript|@hey-api\/openapi-ts/;

// splitSpec splits "name@version" (name may start with @scope/).
const splitSpec = (spec) => {
  const at = spec.lastIndexOf("@");
  return at > 0 ? [spec.slice(0, at), spec.slice(at + 1)] : [spec, ""];
};

// code is the README's code, line by line: fenced blocks, indented blocks and code spans (a
// command in prose, as an example of what not to run, is not checked).
const code = [];
const prose = readme.replace(/```[^\n]*\n([\s\S]*?)```/g, (_, block) => {
  code.push(...block.split("\n"));
  return "";
});
for (const line of prose.split("\n")) if (/^ {4,}\S/.test(line)) code.push(line);
for (const [, span] of prose.matchAll(/`([^`\n]+)`/g)) code.push(span);

const problems = [];
let checked = 0;
// A command runs to the end of its line of code, or to a shell's next command.
const commands = code.flatMap((line) => [...line.matchAll(/(?<![\w./-])(?:npx|npm (?:install|i)|go (?:run|get))\s[^|;&]*/g)]);
for (const [command] of commands) {
  const args = command.trim().split(/\s+/);
  if (args[0] === "go") {
    const spec = args.slice(2).find((a) => !a.startsWith("-"));
    if (!spec || spec.startsWith(".") || spec.startsWith(own)) continue; // this module's own
    checked++;
    const [pkg, version] = splitSpec(spec);
    const module = Object.keys(goPins).filter((m) => pkg === m || pkg.startsWith(m + "/"))
      .sort((a, b) => b.length - a.length)[0];
    if (!version) problems.push(`${command}: ${pkg} has no version`);
    else if (module && !goPins[module].has(version)) {
      problems.push(`${command}: ${module} ${version}, but CI runs ${[...goPins[module]].join(", ")}`);
    }
    continue;
  }
  checked++;
  let specs;
  if (args[0] === "npx") {
    const packages = args.flatMap((a, i) => (args[i - 1] === "-p" ? [a] : []));
    specs = packages.length ? packages : [args.slice(1).find((a) => !a.startsWith("-"))];
  } else {
    specs = args.slice(2).filter((a) => !a.startsWith("-"));
  }
  for (const spec of specs) {
    const [name, version] = splitSpec(spec);
    if (!version) problems.push(`${command}: ${name} has no version`);
    else if (npmPins[name] && npmPins[name] !== version) {
      problems.push(`${command}: ${name}@${version}, but CI runs ${name}@${npmPins[name]}`);
    }
  }
  if (typescriptGenerators.test(command) && !specs.includes(`typescript@${npmPins.typescript}`)) {
    problems.push(`${command}: a TypeScript generator without -p typescript@${npmPins.typescript}`);
  }
}
if (checked === 0) problems.push("no tool command found in the README: is the pattern still right?");
for (const p of problems) console.log(p);
if (problems.length) process.exit(1);
console.log(`${checked} tool commands in the README name the versions CI runs`);
