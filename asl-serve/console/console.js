// The asl console's one script: a click on a state shows its input and output; a running
// execution's page refreshes its content when the execution moves on (no reload).
"use strict";
(function () {
  let selected = null;

  function states() {
    const data = document.getElementById("asl-states");
    return data ? JSON.parse(data.textContent) : {};
  }

  // What the panel shows before a state is chosen: the execution's own input and output.
  let execution = null;

  function showExecution() {
    if (!execution) return;
    selected = null;
    document.querySelectorAll(".asl-graph .state.selected").forEach((g) => g.classList.remove("selected"));
    document.getElementById("panel-title").textContent = "Execution";
    document.getElementById("panel-summary").textContent = "Click a state to see its input and output.";
    document.getElementById("panel-input").textContent = execution.input;
    document.getElementById("panel-output").textContent = execution.output;
  }

  function show(name) {
    const run = states()[name];
    selected = name;
    document.querySelectorAll(".asl-graph .state.selected").forEach((g) => g.classList.remove("selected"));
    document.querySelectorAll(".asl-graph [data-state]").forEach((g) => {
      if (g.dataset.state === name) g.classList.add("selected");
    });
    document.getElementById("panel-title").textContent = name;
    document.getElementById("panel-summary").textContent = run
      ? run.outcome + (run.visits > 1 ? " · " + run.visits + " visits (the last shown)" : "")
      : "not reached";
    document.getElementById("panel-input").textContent = run && run.input != null ? run.input : "";
    document.getElementById("panel-output").textContent = run && run.output != null ? run.output : "";
  }

  function bind() {
    document.querySelectorAll(".zoom").forEach((button) => {
      button.addEventListener("click", () => {
        const graph = button.closest(".graph");
        graph.classList.toggle("actual");
        button.textContent = graph.classList.contains("actual") ? "Fit" : "Actual size";
      });
    });
    if (!document.getElementById("panel")) return;
    execution = {
      input: document.getElementById("panel-input").textContent,
      output: document.getElementById("panel-output").textContent,
    };
    // A click beside the states, or Escape, brings the execution's own input and output back.
    document.querySelectorAll(".asl-graph").forEach((svg) => svg.addEventListener("click", showExecution));
    document.querySelectorAll(".asl-graph [data-state]").forEach((g) => {
      g.addEventListener("click", (event) => {
        event.stopPropagation();
        show(g.dataset.state);
      });
    });
    if (selected) show(selected);
  }

  // The error page's "Back" keeps what the form held (the browser restores it).
  document.addEventListener("click", (event) => {
    if (event.target.matches("button.back")) history.back();
  });

  // Set while the user types into one of the page's forms: the page then waits for them.
  let editing = false;
  document.addEventListener("input", (event) => {
    if (event.target.closest("form")) editing = true;
  });

  async function follow(delay) {
    const main = document.querySelector("main");
    if (!main || !main.dataset.live) return;
    let next = 1000;
    try {
      const answer = await fetch(main.dataset.live, { cache: "no-store" });
      if (!answer.ok) throw new Error(answer.statusText);
      const { version } = await answer.json();
      const busy = editing || (document.activeElement && document.activeElement.closest("main form"));
      if (version !== main.dataset.version && !busy) {
        const page = await fetch(location.href, { cache: "no-store" });
        const doc = new DOMParser().parseFromString(await page.text(), "text/html");
        const fresh = doc.querySelector("main");
        if (fresh) {
          main.replaceWith(fresh);
          bind();
        }
      }
    } catch (e) {
      // The server may be restarting: ask again, less and less often.
      next = Math.min(delay * 2, 30000);
    }
    setTimeout(() => follow(next), next);
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") showExecution();
  });

  document.addEventListener("DOMContentLoaded", () => {
    bind();
    setTimeout(() => follow(1000), 1000);
  });
})();
