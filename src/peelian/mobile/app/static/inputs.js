// The inputs that are more than a text box: a GPS position (with manual entry when there is no fix),
// a photo or recording (a file input; the bytes go to the encrypted store), and a drawn signature.

import { el } from "./util.js";

export function geopointInput(id, where, current, set) {
  const input = el("input", { class: "govuk-input", id, name: where, type: "text", placeholder: "latitude longitude",
    oninput: (e) => set(e.target.value.trim() || undefined) });
  input.value = current ?? "";
  const status = el("p", { class: "govuk-hint", "aria-live": "polite" });
  const button = el("button", { class: "govuk-button govuk-button--secondary", type: "button", text: "Use my location",
    onclick: () => {
      if (!navigator.geolocation) {
        status.textContent = "This device cannot give a position: type it in.";
        return;
      }
      status.textContent = "Finding your position…";
      navigator.geolocation.getCurrentPosition(
        (pos) => {
          const c = pos.coords;
          input.value = `${c.latitude.toFixed(6)} ${c.longitude.toFixed(6)} ${Math.round(c.altitude || 0)} ${Math.round(c.accuracy || 0)}`;
          status.textContent = `Accurate to about ${Math.round(c.accuracy || 0)} m.`;
          set(input.value);
        },
        (err) => (status.textContent = `No position (${err.message || "refused"}): type it in.`),
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
      );
    } });
  return el("div", {}, input, button, status);
}

function dataUrl(bytes, type) {
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result);
    reader.readAsDataURL(new Blob([bytes], { type }));
  });
}

// A photo or audio clip; `pick(file)` stores it and returns its name. Image previews are data: URLs
// because the content security policy allows no blob: images.
export function attachmentInput(id, where, type, current, draft, pick) {
  const status = el("p", { class: "govuk-body-s", text: current ? `Attached: ${current}` : "" });
  const preview = el("div");
  const input = el("input", { class: "govuk-file-upload", id, name: where, type: "file",
    accept: type === "image" ? "image/*" : "audio/*", capture: "environment",
    onchange: async (e) => {
      const file = e.target.files[0];
      if (!file) return;
      try {
        const name = await pick(file);
        status.textContent = `Attached: ${name}`;
        if (type === "image") {
          const url = await dataUrl(new Uint8Array(await file.arrayBuffer()), file.type);
          preview.replaceChildren(el("img", { class: "app-preview", src: url, alt: "The attached photograph" }));
        }
      } catch (exc) {
        status.textContent = exc.message;
      }
    } });
  return el("div", {}, input, status, preview);
}

export function signatureInput(id, where, current, pick) {
  const canvas = el("canvas", { class: "app-signature", id, width: 600, height: 200, "aria-label": "Signature pad: sign with a finger" });
  const ctx = canvas.getContext("2d");
  ctx.lineWidth = 3;
  ctx.lineCap = "round";
  let drawing = false;
  let drawn = false;
  const point = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true;
    canvas.setPointerCapture(e.pointerId);
    ctx.beginPath();
    ctx.moveTo(...point(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    ctx.lineTo(...point(e));
    ctx.stroke();
    drawn = true;
  });
  canvas.addEventListener("pointerup", () => (drawing = false));
  const status = el("p", { class: "govuk-body-s", text: current ? `Signed: ${current}` : "Not signed yet." });
  const save = el("button", { class: "govuk-button govuk-button--secondary", type: "button", text: "Keep signature",
    onclick: () => {
      if (!drawn) {
        status.textContent = "Sign in the box first.";
        return;
      }
      canvas.toBlob(async (blob) => {
        const name = await pick(new File([blob], "signature.png", { type: "image/png" }));
        status.textContent = `Signed: ${name}`;
      }, "image/png");
    } });
  const clear = el("button", { class: "govuk-button govuk-button--secondary", type: "button", text: "Clear",
    onclick: () => (ctx.clearRect(0, 0, canvas.width, canvas.height), (drawn = false)) });
  return el("div", {}, canvas, el("div", { class: "govuk-button-group" }, save, clear), status);
}
