// The copy button of a ```pycon block copies only the code: no ">>> " / "... " prompts, no output lines.
// Material's clipboard prefers a button's data-clipboard-text over its target, so this listener (in the
// capture phase, before Material's) puts the code there. Pygments marks the prompts as <span class="gp">.
(function () {
  function pyconCode(code) {
    var lines = [];
    var line = null;
    var walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.parentElement && node.parentElement.classList.contains("gp")) {
        if (line !== null) lines.push(line);
        line = "";  // a prompt starts a line of code; the prompt itself is not copied
        continue;
      }
      var parts = node.textContent.split("\n");
      for (var i = 0; i < parts.length; i++) {
        if (i > 0 && line !== null) {
          lines.push(line);
          line = null;  // after the newline: output, until the next prompt
        }
        if (line !== null) line += parts[i];
      }
    }
    if (line !== null) lines.push(line);
    return lines.join("\n") + "\n";
  }
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest ? event.target.closest(".md-clipboard") : null;
      if (!button) return;
      var block = button.closest(".language-pycon");
      var code = block ? block.querySelector("code") : null;
      if (code) button.setAttribute("data-clipboard-text", pyconCode(code));
    },
    true
  );
})();
