// Security keys and passkeys (WebAuthn): the two ceremonies, without a framework.
// A form with data-webauthn="register" or "sign" asks its data-options URL for the options,
// hands them to the browser, and sends the answer to its data-finish URL, which says where to go.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) { base64 += "="; }
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  async function send(url, form, body) {
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var answer = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token },
      body: JSON.stringify(body || {})
    });
    var data = await answer.json();
    if (!answer.ok) { throw { server: true, message: data.error || form.dataset.failed }; }
    return data;
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return Object.assign({}, item, { id: toBytes(item.id) });
    });
  }

  async function register(form) {
    var options = await send(form.dataset.options, form);
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    var made = await navigator.credentials.create({ publicKey: options });
    var response = made.response;
    var name = form.querySelector("[name=name]");
    return send(form.dataset.finish, form, {
      name: name ? name.value : "",
      credential: {
        id: made.id,
        rawId: toText(made.rawId),
        type: made.type,
        authenticatorAttachment: made.authenticatorAttachment,
        clientExtensionResults: made.getClientExtensionResults(),
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          attestationObject: toText(response.attestationObject),
          transports: response.getTransports ? response.getTransports() : []
        }
      }
    });
  }

  async function sign(form) {
    var options = await send(form.dataset.options, form);
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    var got = await navigator.credentials.get({ publicKey: options });
    var response = got.response;
    return send(form.dataset.finish, form, {
      credential: {
        id: got.id,
        rawId: toText(got.rawId),
        type: got.type,
        authenticatorAttachment: got.authenticatorAttachment,
        clientExtensionResults: got.getClientExtensionResults(),
        response: {
          clientDataJSON: toText(response.clientDataJSON),
          authenticatorData: toText(response.authenticatorData),
          signature: toText(response.signature),
          userHandle: response.userHandle ? toText(response.userHandle) : null
        }
      }
    });
  }

  document.querySelectorAll("form[data-webauthn]").forEach(function (form) {
    if (!window.PublicKeyCredential) { form.hidden = true; return; }
    var errors = form.querySelector("[role=alert]");
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      errors.hidden = true;
      var button = form.querySelector("button");
      button.disabled = true;
      try {
        var done = await (form.dataset.webauthn === "register" ? register(form) : sign(form));
        window.location.assign(done.redirect);
      } catch (error) {
        // The browser's own reasons (cancelled, timed out) are in its language: say ours.
        errors.textContent = error && error.server ? error.message : form.dataset.failed;
        errors.hidden = false;
        button.disabled = false;
      }
    });
  });
})();
