// Drives a running Cramp Coach endpoint with virtual-alexa, an Alexa simulator nobody here wrote.
//
//   node drive.js '{"url": "http://127.0.0.1:5000/", "model": "en-US.json",
//                   "conversations": [["@launch", "my calf is cramping", "next"], ["..."]]}'
//
// Each conversation starts a new session; "@launch" opens the skill, anything else is uttered
// and matched by virtual-alexa against the interaction model. Prints, as JSON, every request
// sent and the response that came back.
"use strict";

const va = require("virtual-alexa");

async function converse(url, model, steps) {
  const alexa = va.VirtualAlexa.Builder().skillURL(url).interactionModelFile(model).create();
  const turns = [];
  let sent = null;
  alexa.filter((request) => {
    sent = request;
  });
  for (const step of steps) {
    const reply = step === "@launch" ? await alexa.launch() : await alexa.utter(step);
    turns.push({ said: step, request: sent, response: reply });
  }
  return turns;
}

async function main() {
  const plan = JSON.parse(process.argv[2]);
  const conversations = [];
  for (const steps of plan.conversations) {
    conversations.push(await converse(plan.url, plan.model, steps));
  }
  process.stdout.write(JSON.stringify(conversations));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
