// The review pages' only script: it sends the API key the reader typed as an Authorization header of its own
// requests to /v1/extractions, never in a URL, a cookie or storage.
"use strict";

(function () {
  const keyField = document.getElementById("api-key");
  const status = document.getElementById("status");

  function headers() {
    const sent = { "Content-Type": "application/json", Accept: "application/json" };
    const key = keyField.value.trim();
    if (key) sent.Authorization = "Bearer " + key;
    return sent;
  }

  async function post(url, body) {
    const response = await fetch(url, {
      method: "POST", headers: headers(), body: JSON.stringify(body), credentials: "omit", cache: "no-store",
    });
    const data = await response.json().catch(() => null);
    return { ok: response.ok, status: response.status, data: data };
  }

  // A problem+json answer, as a reader should read it: its detail and each field's messages.
  function describe(result) {
    const problem = result.data || {};
    const fields = (problem.errors || []).map((e) => e.field + ": " + e.messages.join(" ")).join("; ");
    return result.status + " " + (problem.detail || problem.title || "") + (fields ? " (" + fields + ")" : "");
  }

  // The fields the reader changed, typed as the API reads them; an emptied field is null.
  function corrections(form) {
    const body = {};
    for (const field of form.querySelectorAll("[data-field]")) {
      if (field.value === field.dataset.original) continue;
      let value = field.value.trim() === "" ? null : field.value.trim();
      if (value !== null && field.type === "number") value = Number(value);
      body[field.dataset.field] = value;
    }
    return body;
  }

  function show(card, candidate) {
    const n = candidate.n;
    card.querySelector(".state").textContent = candidate.state;
    card.querySelector(".reject-reason").textContent = candidate.reject_reason || "–";
    const figure = card.querySelector(".figure");
    figure.textContent = "";
    if (candidate.figure) {
      const link = document.createElement("a");
      link.href = candidate.figure;
      link.textContent = candidate.figure;
      figure.appendChild(link);
    } else {
      figure.textContent = "–";
    }
    card.querySelector("fieldset").disabled = candidate.state !== "proposed";
    const mark = document.getElementById("mark-" + n);
    if (mark) mark.dataset.state = candidate.state;
    status.textContent = "Candidate " + n + " " + candidate.state + (candidate.figure ? ": " + candidate.figure : "") + ".";
    card.focus();
  }

  async function decide(button) {
    const card = button.closest(".card");
    const form = card.querySelector("form");
    const problem = card.querySelector(".problem");
    problem.textContent = "";
    const base = "/v1/extractions/" + card.dataset.extraction + "/candidates/" + card.dataset.n + "/";
    const action = button.dataset.action;
    let result;
    if (action === "reject") {
      result = await post(base + "reject", { reason: form.elements.reject_reason.value });
    } else {
      result = await post(base + "accept", action === "correct" ? corrections(form) : {});
    }
    if (!result.ok) {
      problem.textContent = describe(result);
      return;
    }
    show(card, result.data.candidates.find((c) => c.n === Number(card.dataset.n)));
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-action]");
    if (button) decide(button);
  });

  const submitForm = document.getElementById("submit-text");
  if (submitForm) {
    submitForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const value = (name) => submitForm.elements[name].value.trim() || null;
      const document_ = {
        title: value("title"), published_on: value("published_on"), publisher: value("publisher"), url: value("url"),
        language: "en",
      };
      status.textContent = "Reading …";
      const result = await post("/v1/extractions", { text: submitForm.elements.text.value, document: document_ });
      if (!result.ok) {
        status.textContent = "";
        document.querySelector(".problem").textContent = describe(result);
        return;
      }
      window.location.assign("/review/extractions/" + result.data.id);
    });
  }
})();
