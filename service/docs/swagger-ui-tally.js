// Swagger UI for Tally (/docs): the page carries what the server knows (the document's URL), this file the rest.
"use strict";

window.onload = () => {
  const config = JSON.parse(document.getElementById("swagger-ui-config").textContent);
  window.ui = SwaggerUIBundle({
    ...config,
    presets: [SwaggerUIBundle.presets.apis],
    // No top bar, which would invite loading another document, and no validator badge, which would send
    // this document's URL to validator.swagger.io from every visit to a server with a name.
    layout: "BaseLayout",
    validatorUrl: "none",
    deepLinking: true,
  });
};
