// Loaded first on the CSP pages: records every Content-Security-Policy violation and takes the
// browser's EventSource away so that the drop-in installs itself.
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push({
    directive: event.effectiveDirective,
    blockedURI: event.blockedURI,
    sourceFile: event.sourceFile,
    sample: event.sample,
  });
});
delete window.EventSource;
