-- Tacit: notes, lessons and questions on your code, from `tacit serve`.
-- Everything is loaded lazily from lua/tacit/; this file only declares the
-- :Tacit command and the autocommands that attach buffers.
if vim.g.loaded_tacit then
  return
end
vim.g.loaded_tacit = true

if vim.fn.has('nvim-0.7') ~= 1 then
  vim.api.nvim_echo({ { 'tacit: needs Neovim 0.7 or newer', 'ErrorMsg' } }, true, {})
  return
end

vim.api.nvim_create_user_command('Tacit', function(opts)
  require('tacit.commands').run(opts)
end, {
  nargs = '*',
  range = true,
  desc = 'Tacit: notes, lessons and questions on code',
  complete = function(arglead, cmdline, pos)
    return require('tacit.commands').complete(arglead, cmdline, pos)
  end,
})

local group = vim.api.nvim_create_augroup('tacit', { clear = true })
vim.api.nvim_create_autocmd({ 'BufReadPost', 'BufNewFile' }, {
  group = group,
  desc = 'tacit: attach to files in git work trees',
  callback = function(args)
    require('tacit').auto_attach(args.buf)
  end,
})
-- Buffers loaded before the plugin (a lazy-loading plugin manager).
if vim.v.vim_did_enter == 1 then
  require('tacit').auto_attach_all()
end
