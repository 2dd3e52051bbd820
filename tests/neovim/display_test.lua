-- Opening a file with a note and a question for me: the lens text, the
-- virtual text and the diagnostic are drawn; the hover has the whole thread.
local H = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/helpers.lua')

H.run('display', function()
  H.repo({ ['shop/cart.py'] = {
    'def total(items):',
    '    s = 0',
    '    for item in items:',
    '        s += item.price * item.quantity',
    '    return s',
    '',
    'def tax(amount):',
    '    return amount * 0.2',
  } })
  H.cli({ 'note', 'add', 'shop/cart.py:4', '-m', 'Prices are in cents, never floats: rounding bit us in March' })
  -- A teammate asks me.
  H.sh({ 'git', '-C', H.root, 'config', 'user.name', 'Bob' })
  H.sh({ 'git', '-C', H.root, 'config', 'user.email', 'bob@example.com' })
  local asked = vim.trim(H.cli({ 'ask', 'shop/cart.py:7-8', '--to', 'me@example.com', '-m', 'Is the tax rate the same in every country?' }))
  H.sh({ 'git', '-C', H.root, 'config', 'user.name', 'Me' })
  H.sh({ 'git', '-C', H.root, 'config', 'user.email', 'me@example.com' })
  H.cli({ 'reply', asked, '-m', 'Looking: the EU rates differ' })

  H.load_plugin()
  local buf = H.open('shop/cart.py')

  -- Lenses (Neovim's own codelens namespace), above the anchored lines.
  H.wait('both lenses', function()
    local l = H.lenses(buf)
    return l[3] ~= nil and l[6] ~= nil
  end)
  local lenses = H.lenses(buf)
  H.eq('1 note', lenses[3], 'the lens of the note')
  H.eq('1 question', lenses[6], 'the lens of the question')

  -- Virtual text: kind icon, count, the latest message's first words.
  local vt = H.virtual_text(buf)
  H.eq('✎ 1  Me: Prices are in cents, never floats: rounding bit…', vt[3], 'the note\'s virtual text')
  H.eq('? 1  Me: Looking: the EU rates differ', vt[6], 'the question\'s virtual text (its latest message is the reply)')
  H.eq(2, vim.tbl_count(vt), 'virtual texts')

  -- The question assigned to me is an Information diagnostic on its lines.
  H.wait('the diagnostic', function()
    return #vim.diagnostic.get(buf) > 0
  end)
  local d = vim.diagnostic.get(buf)
  H.eq(1, #d, 'diagnostics')
  H.eq(vim.diagnostic.severity.INFO, d[1].severity, 'severity')
  H.eq(6, d[1].lnum, 'diagnostic line')
  H.eq('threads', d[1].source, 'diagnostic source')
  H.contains(d[1].message, 'Is the tax rate the same in every country?', 'diagnostic message')

  -- Hover: the whole thread.
  local hover = H.request(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 7, character = 4 } })
  H.contains(hover.contents.value, 'Is the tax rate the same in every country?', 'hover')
  H.contains(hover.contents.value, 'Looking: the EU rates differ', 'hover shows replies')

  -- And the real hover window opens with it.
  vim.api.nvim_win_set_cursor(0, { 8, 4 })
  vim.lsp.buf.hover()
  H.wait('the hover window', function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= '' then
        local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(win), 0, -1, false), '\n')
        if text:find('tax rate', 1, true) then
          return true
        end
      end
    end
    return false
  end)
end)
